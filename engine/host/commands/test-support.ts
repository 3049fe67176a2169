/**
 * What a CLI command prints, for its tests: runs `command` with console.log, console.error
 * and process.stderr.write (progress bars) captured, and puts them back afterwards.
 */
import { vi } from 'vitest';

export interface CapturedOutput {
  /** The exit code the command returned. */
  code: number;
  /** Each console.log call, its parts joined by spaces. */
  out: string[];
  /** console.error lines (each ending in a newline) and raw stderr writes, in order. */
  err: string;
}

export async function captureOutput(command: () => Promise<number>): Promise<CapturedOutput> {
  const out: string[] = [];
  let err = '';
  const log = vi
    .spyOn(console, 'log')
    .mockImplementation((...parts: unknown[]) => void out.push(parts.map(String).join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...parts: unknown[]) => void (err += `${parts.map(String).join(' ')}\n`));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    err += String(chunk);
    return true;
  });
  try {
    return { code: await command(), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}
