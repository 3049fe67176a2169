/** Writers of small dataset files (IDX, PNG, JPEG, CSV) for the loader tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** IDX bytes: big-endian magic `0x0000080<rank>` and sizes, then `data`. */
export function idxBytes(dims: number[], data: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** Writes an IDX images file and its labels file; pixel of image i is `(i * 10 + p) % 256`. */
export function writeIdxPair(
  imagesFile: string,
  labelsFile: string,
  labels: number[],
  side: number,
  options: { gzip?: boolean } = {},
): void {
  const count = labels.length;
  const pixels = Uint8Array.from(
    { length: count * side * side },
    (_, k) => (Math.floor(k / (side * side)) * 10 + (k % (side * side))) % 256,
  );
  const images = idxBytes([count, side, side], pixels);
  const labelBytes = idxBytes([count], Uint8Array.from(labels));
  mkdirSync(dirname(imagesFile), { recursive: true });
  writeFileSync(imagesFile, options.gzip ? gzipSync(images) : images);
  writeFileSync(labelsFile, options.gzip ? gzipSync(labelBytes) : labelBytes);
}

/** Writes a PNG of `width × height` from RGBA bytes. */
export function writePng(file: string, width: number, height: number, rgba: Uint8Array): void {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, PNG.sync.write(png));
}

/** Writes a JPEG of `width × height` from RGBA bytes (quality 100). */
export function writeJpeg(file: string, width: number, height: number, rgba: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, jpeg.encode({ width, height, data: Buffer.from(rgba) }, 100).data);
}

/** RGBA bytes of one grey level, or of one colour. */
export function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) out.set([...rgb, 255], p * 4);
  return out;
}
