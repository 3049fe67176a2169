/**
 * Fuzz: malformed IDX pairs, plain and gzipped — wrong magics, sizes from 0 to 2^32 − 1
 * (1e9 images of a 1 MB file among them), truncated and padded bodies, flipped bytes in the
 * raw or the compressed stream. Each must import or fail with a DatasetImportError naming
 * the file, quickly, in bounded memory, writing nothing but the dataset's own cache.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idxBytes } from '../test-support/fixtures';
import { expectCleanImport, fuzzCase, fuzzRuns } from '../test-support/fuzz';

/** A size field: mostly small, sometimes zero, huge or the u32 maximum. */
const size = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 4096, 65_536, 1e9, 2 ** 32 - 1) },
  { weight: 1, arbitrary: fc.nat({ max: 2 ** 32 - 1 }) },
);

type Mutation =
  | { kind: 'none' }
  | { kind: 'magic'; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'flip'; at: number; xor: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('magic' as const), value: fc.nat({ max: 2 ** 32 - 1 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(),
      xor: fc.integer({ min: 1, max: 255 }),
    }),
  },
);

function mutate(bytes: Uint8Array, change: Mutation): Uint8Array {
  const out = Buffer.from(bytes);
  switch (change.kind) {
    case 'none':
      return out;
    case 'magic':
      if (out.length >= 4) out.writeUInt32BE(change.value, 0);
      return out;
    case 'truncate':
      return out.subarray(0, change.at % (out.length + 1));
    case 'append':
      return Buffer.concat([out, change.bytes]);
    case 'flip':
      if (out.length > 0) out[change.at % out.length] ^= change.xor;
      return out;
  }
}

/** One IDX file: its claimed sizes, how much body really follows, and how it is stored. */
interface IdxFileSpec {
  dims: number[];
  /** Body bytes: what the dims promise (at most 4 KB), or a given count (files stay tiny). */
  bodyBytes: 'as promised' | number;
  gzip: boolean;
  /** For gzip: mutate the compressed bytes rather than the raw IDX bytes. */
  mutateCompressed: boolean;
  change: Mutation;
}

const idxFile = (rank: 1 | 3): fc.Arbitrary<IdxFileSpec> =>
  fc.record({
    dims: fc.array(size, { minLength: rank, maxLength: rank }),
    bodyBytes: fc.oneof(fc.constant<'as promised'>('as promised'), fc.nat({ max: 300 })),
    gzip: fc.boolean(),
    mutateCompressed: fc.boolean(),
    change: mutation,
  });

function encode(file: IdxFileSpec): Uint8Array {
  const promised = file.dims.reduce((a, b) => a * b, 1);
  const body = file.bodyBytes === 'as promised' ? Math.min(promised, 4096) : file.bodyBytes;
  // Labels must be small class indices for a well-formed pair to import.
  const raw = idxBytes(
    file.dims,
    Uint8Array.from({ length: body }, (_, i) => i % 3),
  );
  if (!file.gzip) return mutate(raw, file.change);
  return file.mutateCompressed ? mutate(gzipSync(raw), file.change) : gzipSync(mutate(raw, file.change));
}

describe('IDX import fuzz', () => {
  it('imports or refuses every generated pair cleanly', async () => {
    await fc.assert(
      fc.asyncProperty(idxFile(3), idxFile(1), async (images: IdxFileSpec, labels: IdxFileSpec) => {
        const fuzz = fuzzCase();
        try {
          const suffix = (spec: IdxFileSpec) => (spec.gzip ? '.gz' : '');
          writeFileSync(join(fuzz.source, `train-images-idx3-ubyte${suffix(images)}`), encode(images));
          writeFileSync(join(fuzz.source, `train-labels-idx1-ubyte${suffix(labels)}`), encode(labels));
          const { info } = await expectCleanImport(fuzz, 'idx', fuzz.source);
          if (info) expect(info.trainSize + info.testSize).toBe(images.dims[0]);
        } finally {
          fuzz.dispose();
        }
      }),
      fuzzRuns(120),
    );
  });

  it('imports every well-formed pair', async () => {
    const small = fc.integer({ min: 1, max: 5 });
    await fc.assert(
      fc.asyncProperty(small, small, small, fc.boolean(), async (count, height, width, gzip) => {
        const fuzz = fuzzCase();
        try {
          const store = (bytes: Uint8Array) => (gzip ? gzipSync(bytes) : bytes);
          const suffix = gzip ? '.gz' : '';
          const pixels = new Uint8Array(count * height * width).fill(7);
          writeFileSync(
            join(fuzz.source, `train-images-idx3-ubyte${suffix}`),
            store(idxBytes([count, height, width], pixels)),
          );
          const labels = Uint8Array.from({ length: count }, (_, i) => i % 2);
          writeFileSync(
            join(fuzz.source, `train-labels-idx1-ubyte${suffix}`),
            store(idxBytes([count], labels)),
          );
          const { info, error } = await expectCleanImport(fuzz, 'idx', fuzz.source);
          expect(error).toBeUndefined();
          expect(info).toMatchObject({ imageShape: [height, width, 1] });
        } finally {
          fuzz.dispose();
        }
      }),
      fuzzRuns(15),
    );
  });
});
