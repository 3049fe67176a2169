/**
 * Files returned by `exportModel` as things a person can download: decoded bytes (UTF-8 text
 * or base64 binary), the size on disk, and a download name (the last part of the path).
 */
import type { ExportedFile } from '../../../engine/protocol/api';
import { base64ToBytes } from '../training/base64';

export interface DownloadableFile {
  path: string;
  /** The file name the browser saves it under. */
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  mime: string;
}

const MIME: Record<string, string> = {
  py: 'text/x-python',
  json: 'application/json',
  bin: 'application/octet-stream',
  txt: 'text/plain',
  md: 'text/markdown',
};

/** Decodes one exported file; throws naming the file when its base64 is broken. */
export function toDownloadable(file: ExportedFile): DownloadableFile {
  let bytes: Uint8Array<ArrayBuffer>;
  if (file.encoding === 'base64') {
    try {
      bytes = base64ToBytes(file.content) as Uint8Array<ArrayBuffer>;
    } catch (error) {
      throw new Error(`exported file ${file.path}: ${(error as Error).message}`, { cause: error });
    }
  } else {
    bytes = new TextEncoder().encode(file.content) as Uint8Array<ArrayBuffer>;
  }
  const name = file.path.split(/[\\/]/).pop() || file.path;
  const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  return { path: file.path, name, bytes, mime: MIME[ext] ?? 'application/octet-stream' };
}

/** A size as people read it: `812 B`, `240.4 KB`, `1.2 MB` (powers of 1024). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
