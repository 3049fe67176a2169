/**
 * Reading graph files: JSON text (or an already parsed object) → a `GraphDocument` at the
 * current version, or a `GraphLoadError` naming the field at fault. Every file and preset
 * goes through here.
 */
import type { z } from 'zod';
import { getNodeType } from '../nodes/registry';
import { registerUserBlocks } from '../nodes/user-block-registry';
import type { ParamSpec } from '../nodes/types';
import { describeValue, formatPath, valueAt } from './describe';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from './document';
import { GraphLoadError } from './errors';
import { formatCount } from './format';
import {
  migrateDocument,
  migrations as releasedMigrations,
  type Migration,
  type RawDocument,
} from './migrate';
import { documentSchema, MAX_NAME_LENGTH } from './schema';

export interface LoadOptions {
  /** Upgrade steps to use instead of the released ones (tests inject their own). */
  migrations?: readonly Migration[];
  /** The version to upgrade to; defaults to `GRAPH_VERSION`. */
  currentVersion?: number;
}

/** How many structure problems one error message lists before summing up the rest. */
const MAX_LISTED = 5;

/**
 * How deeply values may nest in a file (a graph needs 4 levels; `meta` may hold more).
 * Writing and sending a document walks it recursively, so a file of 100,000 nested lists
 * would overflow the stack there instead of being refused here.
 */
export const MAX_NESTING = 64;

/**
 * Reads a graph file. Missing training settings, layout and meta take their defaults;
 * older versions are upgraded. Semantic problems (unknown types, dangling edges, bad
 * shapes) are left to `analyzeGraph` so the editor can show them in place.
 *
 * @example
 * const doc = loadGraphDocument(await readFile('lenet.json', 'utf8'));
 * @throws GraphLoadError e.g. `not valid JSON: … (line 3, column 5)`,
 *   `not a CNN Studio graph (format is "x")`, `nodes[3].params.filters: expected a number, got "abc"`
 */
export function loadGraphDocument(input: string | unknown, options: LoadOptions = {}): GraphDocument {
  const currentVersion = options.currentVersion ?? GRAPH_VERSION;
  const raw = typeof input === 'string' ? parseJson(input) : input;
  const checked = checkEnvelope(raw, currentVersion);
  checkNesting(checked);
  const upgraded = migrateDocument(checked, options.migrations ?? releasedMigrations, currentVersion);

  const result = documentSchema.safeParse(upgraded);
  if (!result.success) throw structureError(result.error.issues, upgraded);
  const document = { ...result.data, format: GRAPH_FORMAT } as GraphDocument;
  // The document's own block types, so their params are checked like any other type's.
  registerUserBlocks(document.blocks);
  checkParamTypes(document);
  return document;
}

function parseJson(input: string): unknown {
  // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const where = position ? ` (${lineAndColumn(text, Number(position[1]))})` : '';
    throw new GraphLoadError(`not valid JSON: ${message}${where}`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** The format tag and version, checked before anything else so old and foreign files get a clear message. */
function checkEnvelope(raw: unknown, currentVersion: number): RawDocument {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new GraphLoadError(`not a CNN Studio graph (expected a JSON object, got ${describeValue(raw)})`);
  }
  const document = raw as RawDocument;
  if (!('format' in document))
    throw new GraphLoadError('not a CNN Studio graph (no "format" field)', 'format');
  if (document.format !== GRAPH_FORMAT) {
    throw new GraphLoadError(
      `not a CNN Studio graph (format is ${describeValue(document.format)}, expected "${GRAPH_FORMAT}")`,
      'format',
    );
  }
  const version = document.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new GraphLoadError(`version: expected a whole number, got ${describeValue(version)}`, 'version');
  }
  if (version > currentVersion) {
    throw new GraphLoadError(
      `made by a newer CNN Studio (version ${version}; this one reads up to ${currentVersion}): update CNN Studio to open it`,
      'version',
    );
  }
  return document;
}

/** Refuses values nested deeper than `MAX_NESTING`, naming the path; iterative, so any depth is safe. */
function checkNesting(document: RawDocument): void {
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: document, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_NESTING) {
      throw new GraphLoadError(
        `${formatPath(path.slice(0, 3))}: nested more than ${MAX_NESTING} levels deep`,
        formatPath(path.slice(0, 3)),
      );
    }
    const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
    for (const [key, child] of entries) stack.push({ value: child, path: [...path, key] });
  }
}

function structureError(issues: readonly z.core.$ZodIssue[], raw: unknown): GraphLoadError {
  const lines = issues
    .slice(0, MAX_LISTED)
    .map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue, valueAt(raw, issue.path))}`);
  if (issues.length > MAX_LISTED) lines.push(`(and ${issues.length - MAX_LISTED} more problems)`);
  return new GraphLoadError(lines.join('\n'), formatPath(issues[0].path));
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  int: 'a whole number',
};

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `missing (expected ${TYPE_NAMES[issue.expected] ?? issue.expected})`;
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeValue(value)}`;
    case 'invalid_union': {
      const expected = new Set(
        issue.errors.flatMap((branch) =>
          branch.filter((e) => e.code === 'invalid_type').map((e) => TYPE_NAMES[e.expected] ?? e.expected),
        ),
      );
      return `expected ${[...expected].join(' or ')}, got ${describeValue(value)}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(value)}`;
    case 'invalid_key':
      // Record keys (param names) are names: 1 to MAX_NAME_LENGTH characters.
      return `a param name must be 1 to ${MAX_NAME_LENGTH} characters long`;
    case 'too_small':
      if (issue.origin === 'string') return `must not be empty`;
      return `must be ${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}, got ${describeValue(value)}`;
    case 'too_big':
      if (issue.origin === 'string')
        return `must be at most ${String(issue.maximum)} characters, got ${formatCount(String(value).length)}`;
      return `must be ${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}, got ${describeValue(value)}`;
    default:
      return `${issue.message}, got ${describeValue(value)}`;
  }
}

/**
 * The JSON type of each param of a known node type. Range and choice checks are left to
 * `analyzeGraph` (the editor shows those at the field); a string where a number belongs
 * means a broken file.
 */
function checkParamTypes(document: GraphDocument): void {
  document.nodes.forEach((node, index) => {
    const definition = getNodeType(node.type);
    if (!definition) return;
    for (const spec of definition.params) {
      const value = node.params[spec.name];
      if (value === undefined) continue;
      const expected = expectedJsonType(spec, value);
      if (expected) {
        throw new GraphLoadError(
          `nodes[${index}].params.${spec.name}: expected ${expected}, got ${describeValue(value)} (node ${describeValue(node.id)}, ${definition.label})`,
          `nodes[${index}].params.${spec.name}`,
        );
      }
    }
  });
}

/** What the value should have been, or `null` when its JSON type fits the spec. */
function expectedJsonType(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int':
    case 'float':
      return typeof value === 'number' ? null : 'a number';
    case 'bool':
      return typeof value === 'boolean' ? null : 'true or false';
    case 'choice':
      return typeof value === 'string' ? null : 'a string';
    case 'padding':
      return typeof value === 'number' || typeof value === 'string'
        ? null
        : `a number of pixels or "same"/"valid"`;
    case 'intPair':
      return Array.isArray(value) ? null : 'a list of two numbers';
    case 'size':
      return typeof value === 'number' || Array.isArray(value) ? null : 'a number or a list of two numbers';
  }
}
