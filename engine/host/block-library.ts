/**
 * The person's block library: the definitions of blocks they made, kept across projects in
 * `<dataDir>/blocks.json` (`{ format: "cnn-studio-blocks", version: 1, blocks: [...] }`),
 * written atomically. A missing file is an empty library; a broken one is refused with a
 * message naming the file and the field, and left as it is (nothing the person made is lost).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { formatPath } from '../graph/describe';
import { userBlockSchema } from '../graph/schema';
import type { UserBlockDefinition } from '../nodes/user-block';
import { EngineError } from '../protocol/errors';
import { writeFileAtomic } from './atomic-file';

export const BLOCK_LIBRARY_FORMAT = 'cnn-studio-blocks';
export const BLOCK_LIBRARY_VERSION = 1;
/** The error name of a library file that cannot be read. */
export const BAD_BLOCK_LIBRARY = 'BadBlockLibrary';

const libraryFileSchema = z.object({
  format: z.literal(BLOCK_LIBRARY_FORMAT),
  version: z.number().int().min(1).max(BLOCK_LIBRARY_VERSION),
  blocks: z.array(userBlockSchema),
});

export interface BlockLibrary {
  readonly file: string;
  list(): Promise<UserBlockDefinition[]>;
  save(blocks: readonly UserBlockDefinition[]): Promise<void>;
}

export function createBlockLibrary(options: { dataDir: string }): BlockLibrary {
  const file = join(options.dataDir, 'blocks.json');
  return {
    file,
    async list() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new EngineError(BAD_BLOCK_LIBRARY, `${file}: ${(error as Error).message}`);
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw new EngineError(BAD_BLOCK_LIBRARY, `${file}: not valid JSON (${(error as Error).message})`);
      }
      const parsed = libraryFileSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new EngineError(BAD_BLOCK_LIBRARY, `${file}: ${formatPath(issue.path)}: ${issue.message}`);
      }
      return parsed.data.blocks as UserBlockDefinition[];
    },
    async save(blocks) {
      const body = { format: BLOCK_LIBRARY_FORMAT, version: BLOCK_LIBRARY_VERSION, blocks };
      await writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`);
    },
  };
}
