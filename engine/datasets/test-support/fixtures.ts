/** Writers of small dataset files (IDX, PNG, JPEG, CSV) for the loader tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
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

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG whose IHDR declares `width × height` (8-bit RGBA) followed by `idat` (default: a tiny
 * zlib stream) and IEND — a few dozen bytes, whatever size it claims.
 */
export function pngClaiming(
  width: number,
  height: number,
  idat: Uint8Array = Uint8Array.of(0x78, 0x9c, 3, 0, 0, 0, 0, 1),
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** A JPEG whose baseline frame header (SOF0) declares `width × height`, then ends. */
export function jpegClaiming(width: number, height: number): Buffer {
  const sof = [0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3];
  for (let c = 1; c <= 3; c++) sof.push(c, 0x11, 0);
  return Buffer.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
}
