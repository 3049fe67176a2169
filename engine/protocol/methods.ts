/**
 * The runtime list of EngineApi methods and their top-level argument kinds. The server
 * uses it to refuse wrong calls before they reach the engine, the client to build its
 * proxy. The mapped type ties it to `EngineApi`: adding, renaming or removing a method,
 * or changing an argument's kind, is a compile error here.
 */
import type { EngineApi, EngineMethod } from './api';

/** The kind of one argument as checked at run time; a trailing `?` marks it optional. */
export type ArgKind = 'string' | 'number' | 'boolean' | 'object' | 'string?' | 'number?' | 'object?';

type BaseKind<T> = [T] extends [string] ? 'string' : [T] extends [number] ? 'number' : [T] extends [boolean] ? 'boolean' : 'object';
type KindOf<T> = undefined extends T ? `${BaseKind<Exclude<T, undefined>>}?` : BaseKind<T>;
type Signature<P extends readonly unknown[]> = { readonly [I in keyof P]-?: KindOf<P[I]> };

type MethodTable = { readonly [M in EngineMethod]: Signature<Parameters<EngineApi[M]>> };

/** Argument kinds of every EngineApi method. */
export const methodSignatures: MethodTable = {
  getInfo: [],
  probeBackend: [],
  analyze: ['object'],
  listPresets: [],
  getPreset: ['string'],
  listDatasets: [],
  getDatasetSamples: ['string', 'number'],
  importDataset: ['object'],
  startRun: ['object'],
  stopRun: ['string'],
  pauseRun: ['string'],
  resumeRun: ['string'],
  listRuns: [],
  getRun: ['string'],
  deleteRun: ['string'],
  predict: ['string', 'object'],
  misclassified: ['string', 'number'],
  exportModel: ['object', 'string', 'string?'],
  importModel: ['string'],
  listProjects: ['string?'],
  openProject: ['string'],
  saveProject: ['string', 'object'],
  recentProjects: [],
  saveRecovery: ['object'],
  loadRecovery: [],
  clearRecovery: [],
};

/** Every method name, in the table's order. */
export const engineMethods = Object.keys(methodSignatures) as EngineMethod[];

/** Whether `name` is an EngineApi method (own key of the table, not e.g. `toString`). */
export function isEngineMethod(name: unknown): name is EngineMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methodSignatures, name);
}

/**
 * Checks call arguments against the method's signature. Returns the arguments to pass
 * (a `null` in an optional slot becomes `undefined`, as JSON turns one into the other), or
 * a sentence naming the first bad argument.
 */
export function checkArguments(method: EngineMethod, params: readonly unknown[]): { ok: true; args: unknown[] } | { ok: false; message: string } {
  const kinds = methodSignatures[method] as readonly ArgKind[];
  const required = kinds.filter((k) => !k.endsWith('?')).length;
  if (params.length < required || params.length > kinds.length) {
    const expected = required === kinds.length ? `${kinds.length}` : `${required} to ${kinds.length}`;
    return { ok: false, message: `${method} takes ${expected} argument(s), got ${params.length}` };
  }
  const args: unknown[] = [];
  for (let i = 0; i < params.length; i++) {
    const kind = kinds[i];
    const optional = kind.endsWith('?');
    const base = optional ? kind.slice(0, -1) : kind;
    const value = params[i];
    if (optional && (value === null || value === undefined)) {
      args.push(undefined);
      continue;
    }
    if (!matchesKind(value, base)) {
      return { ok: false, message: `${method} argument ${i + 1} must be ${article(base)}, got ${describe(value)}` };
    }
    args.push(value);
  }
  return { ok: true, args };
}

function matchesKind(value: unknown, kind: string): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

function article(kind: string): string {
  return kind === 'object' ? 'an object' : `a ${kind}`;
}

/** A short description of a value for error messages, quoting short strings. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : `'${value}'`;
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}
