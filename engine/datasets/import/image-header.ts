/**
 * The size a PNG or JPEG declares, read from its header without decoding: PNG's IHDR chunk,
 * JPEG's first frame header (SOF0…SOF15, not DHT/JPG/DAC). Importers check it against their
 * caps before a decoder allocates `width × height × 4` bytes for whatever a file claims.
 */
import { DatasetImportError } from './import-error';

/** An image file's format and declared size in pixels. */
export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Reads the format and declared size; throws `DatasetImportError` naming `file` if it can't. */
export function readImageHeader(bytes: Uint8Array, file: string): ImageHeader {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return readPngHeader(bytes, file);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return readJpegHeader(bytes, file);
  const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new DatasetImportError(
    file,
    `neither a PNG nor a JPEG image (it starts with ${start ? `bytes ${start}` : 'nothing: the file is empty'}).`,
  );
}

function readPngHeader(bytes: Uint8Array, file: string): ImageHeader {
  // Signature (8), then the IHDR chunk: length (4) = 13, type (4), width (4), height (4), …
  if (bytes.length < 8 + 8 + 13) {
    throw new DatasetImportError(file, `a PNG truncated inside its header (${bytes.length} bytes).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== 'IHDR' || view.getUint32(8) !== 13) {
    throw new DatasetImportError(file, 'a PNG whose first chunk is not a valid IHDR header.');
  }
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
}

/** Markers without a length field: TEM, RST0–7, SOI. */
const isStandalone = (marker: number): boolean => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
/** Frame headers: C0–CF except C4 (DHT), C8 (JPG) and CC (DAC). */
const isFrameHeader = (marker: number): boolean =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function readJpegHeader(bytes: Uint8Array, file: string): ImageHeader {
  const truncated = (): never => {
    throw new DatasetImportError(file, `a JPEG truncated before its frame header (${bytes.length} bytes).`);
  };
  let i = 2;
  for (;;) {
    if (i >= bytes.length) return truncated();
    if (bytes[i] !== 0xff) {
      throw new DatasetImportError(
        file,
        `a JPEG with no marker at byte ${i} (found 0x${bytes[i].toString(16)}).`,
      );
    }
    while (bytes[i] === 0xff) i++; // fill bytes
    if (i >= bytes.length) return truncated();
    const marker = bytes[i++];
    if (isStandalone(marker)) continue;
    if (marker === 0xda || marker === 0xd9) {
      throw new DatasetImportError(file, 'a JPEG with no frame header (SOF) before its image data.');
    }
    if (i + 2 > bytes.length) return truncated();
    const length = (bytes[i] << 8) | bytes[i + 1];
    if (length < 2) throw new DatasetImportError(file, `a JPEG segment of impossible length ${length}.`);
    if (isFrameHeader(marker)) {
      // Length (2), precision (1), height (2), width (2).
      if (i + 7 > bytes.length) return truncated();
      const height = (bytes[i + 3] << 8) | bytes[i + 4];
      const width = (bytes[i + 5] << 8) | bytes[i + 6];
      return { format: 'jpeg', width, height };
    }
    i += length;
  }
}
