/**
 * Fuzz: image folders holding one generated PNG or JPEG among good ones — headers claiming
 * any size (0, tiny, 65535², 2^32 − 1), files cut inside their header or chunks, flipped
 * bytes in real images, random bytes. Each folder must import or fail with a
 * DatasetImportError naming a file of it, without decoding what a header merely claims
 * (bounded time and memory), and without writing outside the dataset's own cache.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jpegClaiming, pngClaiming, solid, writeJpeg, writePng } from '../test-support/fixtures';
import { expectCleanImport, fuzzCase, fuzzRuns } from '../test-support/fuzz';

const dimension = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom(4096, 4097, 20_000, 65_535) },
);
const pngDimension = fc.oneof(dimension, fc.constantFrom(2 ** 31, 2 ** 32 - 1));

/** The generated file's bytes, built from a good 4×4 PNG and JPEG (read once per case). */
type Build = (good: { png: Buffer; jpeg: Buffer }) => Uint8Array;

const claimingPng: fc.Arbitrary<Build> = fc.tuple(pngDimension, pngDimension).map(
  ([w, h]) =>
    () =>
      pngClaiming(w, h),
);
const claimingJpeg: fc.Arbitrary<Build> = fc.tuple(dimension, dimension).map(
  ([w, h]) =>
    () =>
      jpegClaiming(Math.min(w, 65_535), Math.min(h, 65_535)),
);
const truncated: fc.Arbitrary<Build> = fc.tuple(fc.boolean(), fc.nat()).map(([png, at]) => (good) => {
  const bytes = png ? good.png : good.jpeg;
  return bytes.subarray(0, at % bytes.length);
});
const flipped: fc.Arbitrary<Build> = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
  )
  .map(([png, flips]) => (good) => {
    const bytes = Buffer.from(png ? good.png : good.jpeg);
    for (const [at, xor] of flips) bytes[at % bytes.length] ^= xor;
    return bytes;
  });
const random: fc.Arbitrary<Build> = fc
  .tuple(
    fc.constantFrom([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8], []),
    fc.uint8Array({ maxLength: 80 }),
  )
  .map(
    ([prefix, rest]) =>
      () =>
        Uint8Array.from([...prefix, ...rest]),
  );

const badImage = fc.oneof(claimingPng, claimingJpeg, truncated, flipped, random);

let goodBytes: { png: Buffer; jpeg: Buffer } | null = null;
/** A good 4×4 PNG and JPEG, encoded once. */
function goodImages(): { png: Buffer; jpeg: Buffer } {
  if (goodBytes) return goodBytes;
  const dir = mkdtempSync(join(tmpdir(), 'cnn-datasets-fuzz-good-'));
  writePng(join(dir, 'good.png'), 4, 4, solid(4, 4, [10, 20, 30]));
  writeJpeg(join(dir, 'good.jpg'), 4, 4, solid(4, 4, [200, 100, 0]));
  goodBytes = { png: readFileSync(join(dir, 'good.png')), jpeg: readFileSync(join(dir, 'good.jpg')) };
  rmSync(dir, { recursive: true });
  return goodBytes;
}

describe('image folder import fuzz', () => {
  it('imports or refuses every folder with a generated image cleanly', async () => {
    await fc.assert(
      fc.asyncProperty(badImage, fc.constantFrom('x.png', 'x.jpg'), async (build, name) => {
        const fuzz = fuzzCase();
        try {
          const good = goodImages();
          mkdirSync(join(fuzz.source, 'a'));
          mkdirSync(join(fuzz.source, 'b'));
          writeFileSync(join(fuzz.source, 'a', '0.png'), good.png);
          writeFileSync(join(fuzz.source, 'b', '0.jpg'), good.jpeg);
          writeFileSync(join(fuzz.source, 'a', name), build(good));
          const { info } = await expectCleanImport(fuzz, 'folder', fuzz.source);
          if (info) expect(info.imageShape.slice(0, 2)).toEqual([4, 4]);
        } finally {
          fuzz.dispose();
        }
      }),
      fuzzRuns(60),
    );
  });
});
