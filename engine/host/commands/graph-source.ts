/** The graph a CLI command works on: a preset by id, or a graph file. */
import { readFile } from 'node:fs/promises';
import type { GraphDocument } from '../../graph/document';
import { loadGraphDocument } from '../../graph/load';
import { getPreset, isPresetId, presetIds } from '../../presets/index';

/** A problem with the command line (exit code 2), as opposed to a failure while running (1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Loads `--preset <id>` or `--file <path>` (exactly one); errors name the preset or file. */
export async function loadGraphSource(source: {
  preset?: string | undefined;
  file?: string | undefined;
}): Promise<GraphDocument> {
  if ((source.preset === undefined) === (source.file === undefined)) {
    throw new UsageError('give exactly one of --preset <id> or --file <graph.json>');
  }
  if (source.preset !== undefined) {
    if (!isPresetId(source.preset)) {
      throw new UsageError(`unknown preset "${source.preset}"; the presets are: ${presetIds.join(', ')}`);
    }
    return getPreset(source.preset);
  }
  const path = source.file as string;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return loadGraphDocument(text);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Parses a CLI number, naming the option and quoting the value when it is not one. */
export function parseNumber(
  option: string,
  value: string | undefined,
  kind: 'int' | 'float',
  min?: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || (kind === 'int' && !Number.isInteger(number))) {
    throw new UsageError(
      `${option} must be ${kind === 'int' ? 'a whole number' : 'a number'}, got "${value}"`,
    );
  }
  if (min !== undefined && number < min)
    throw new UsageError(`${option} must be at least ${min}, got "${value}"`);
  return number;
}
