/**
 * Upgrades graph files written by older versions of CNN Studio, one version at a time.
 *
 * When the format changes: bump `GRAPH_VERSION` (document.ts) and append a step
 * `{ from: n, to: n + 1, … }` that rewrites a version-n object into version n + 1. Steps see
 * raw JSON objects, not typed documents, because an old file has the old shape.
 */
import { GRAPH_VERSION } from './document';
import { GraphLoadError } from './errors';

export type RawDocument = Record<string, unknown>;

/** One upgrade step. `migrate` gets a copy it may change and returns the upgraded object. */
export interface Migration {
  from: number;
  to: number;
  /** What changed, for the log and the error message if the step fails. */
  description: string;
  migrate(document: RawDocument): RawDocument;
}

/** The released upgrade steps, oldest first. */
export const migrations: readonly Migration[] = [
  {
    from: 1,
    to: 2,
    description: 'block definitions of your own (`blocks`)',
    // Version 1 had no user blocks, so a `user.` type there was a typo, not an instance:
    // nothing to rewrite. A stray `blocks` key (never written by version 1) is dropped so
    // it is not read as definitions.
    migrate: ({ blocks: _ignored, ...rest }) => rest,
  },
];

/**
 * Runs the steps that take `document` from its version up to `targetVersion`.
 * Throws `GraphLoadError` when no step starts at a version the file is at.
 */
export function migrateDocument(
  document: RawDocument,
  steps: readonly Migration[] = migrations,
  targetVersion: number = GRAPH_VERSION,
): RawDocument {
  let current = document;
  let version = current.version as number;
  while (version < targetVersion) {
    const step = steps.find((candidate) => candidate.from === version);
    if (!step) {
      throw new GraphLoadError(
        `made by an older CNN Studio (version ${version}) that this one cannot upgrade; it reads versions ${oldestReadable(steps, targetVersion)} to ${targetVersion}`,
        'version',
      );
    }
    if (step.to <= step.from) throw new Error(`migration ${step.from}→${step.to} does not move forward`);
    try {
      current = { ...step.migrate(structuredClone(current)), version: step.to };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new GraphLoadError(
        `could not upgrade from version ${step.from} to ${step.to} (${step.description}): ${reason}`,
        'version',
      );
    }
    version = step.to;
  }
  return current;
}

function oldestReadable(steps: readonly Migration[], targetVersion: number): number {
  // Walk back from the target through steps that end where the next begins.
  let oldest = targetVersion;
  for (;;) {
    const step = steps.find((candidate) => candidate.to === oldest);
    if (!step) return oldest;
    oldest = step.from;
  }
}
