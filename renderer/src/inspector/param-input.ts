/**
 * Reading what a person types into an inspector field. A field keeps its text as a draft;
 * only a value that parses and is in range reaches the document, so a half-typed or wrong
 * entry never becomes a param of the wrong type.
 */
import type { Padding, ParamValue } from '../../../engine/graph/document';
import type { ParamSpec } from '../../../engine/nodes/types';

export type ParseResult = { ok: true; value: ParamValue } | { ok: false; error: string };

const fail = (error: string): ParseResult => ({ ok: false, error });

function rangeProblem(
  label: string,
  n: number,
  min?: number,
  max?: number,
  exclusiveMin = false,
  exclusiveMax = false,
): string | null {
  if (min !== undefined && (exclusiveMin ? n <= min : n < min))
    return `${label} must be ${exclusiveMin ? '>' : '≥'} ${min}, got ${n}`;
  if (max !== undefined && (exclusiveMax ? n >= max : n > max))
    return `${label} must be ${exclusiveMax ? '<' : '≤'} ${max}, got ${n}`;
  return null;
}

/** Parses a whole number, e.g. `"64"`; rejects `"6.5"`, `"abc"`, `""`. */
export function parseInt32(label: string, text: string, min?: number, max?: number): ParseResult {
  const t = text.trim();
  if (t === '') return fail(`${label} is required`);
  if (!/^[-+]?\d+$/.test(t)) return fail(`${label} must be a whole number, got "${text}"`);
  const n = Number(t);
  const problem = rangeProblem(label, n, min, max);
  return problem ? fail(problem) : { ok: true, value: n };
}

/** Parses a decimal number, e.g. `"0.5"`, `"1e-3"`. */
export function parseFloat64(spec: Extract<ParamSpec, { kind: 'float' }>, text: string): ParseResult {
  const t = text.trim();
  if (t === '') return fail(`${spec.label} is required`);
  const n = Number(t);
  if (!Number.isFinite(n)) return fail(`${spec.label} must be a number, got "${text}"`);
  const problem = rangeProblem(spec.label, n, spec.min, spec.max, spec.exclusiveMin, spec.exclusiveMax);
  return problem ? fail(problem) : { ok: true, value: n };
}

/** Parses padding: `same`, `valid`, or pixels per side (a whole number ≥ 0). */
export function parsePadding(label: string, text: string): ParseResult {
  const t = text.trim().toLowerCase();
  if (t === 'same' || t === 'valid') return { ok: true, value: t satisfies Padding };
  const n = parseInt32(label, t, 0);
  return n.ok ? n : fail(`${label} must be "same", "valid" or a whole number of pixels ≥ 0, got "${text}"`);
}

/**
 * Parses a window size: one whole number (`"3"`), or height and width (`"1×7"`, `"1x7"`,
 * `"1, 7"`); a pair of equal numbers is stored as one number.
 */
export function parseSize(spec: Extract<ParamSpec, { kind: 'size' }>, text: string): ParseResult {
  const parts = text.trim().split(/\s*[×xX,]\s*|\s+/);
  if (parts.length === 1) return parseInt32(spec.label, parts[0], spec.min, spec.max);
  if (parts.length !== 2)
    return fail(`${spec.label} must be one whole number or height × width, got "${text}"`);
  const height = parseInt32(`${spec.label} height`, parts[0], spec.min, spec.max);
  if (!height.ok) return height;
  const width = parseInt32(`${spec.label} width`, parts[1], spec.min, spec.max);
  if (!width.ok) return width;
  const [h, w] = [height.value as number, width.value as number];
  return { ok: true, value: h === w ? h : [h, w] };
}

/** Parses the text of one field (for an intPair: the two texts) into a param value. */
export function parseParam(spec: ParamSpec, text: string | readonly [string, string]): ParseResult {
  switch (spec.kind) {
    case 'int':
      return parseInt32(spec.label, text as string, spec.min, spec.max);
    case 'float':
      return parseFloat64(spec, text as string);
    case 'padding':
      return parsePadding(spec.label, text as string);
    case 'size':
      return parseSize(spec, text as string);
    case 'bool':
      return text === 'true' || text === 'false'
        ? { ok: true, value: text === 'true' }
        : fail(`${spec.label} must be on or off`);
    case 'choice':
      return spec.options.includes(text as string)
        ? { ok: true, value: text as string }
        : fail(`${spec.label} must be one of ${spec.options.join(', ')}, got "${text}"`);
    case 'intPair': {
      const [a, b] = text as readonly [string, string];
      const first = parseInt32(`${spec.label} (first)`, a, spec.min, spec.max);
      if (!first.ok) return first;
      const second = parseInt32(`${spec.label} (second)`, b, spec.min, spec.max);
      if (!second.ok) return second;
      return { ok: true, value: [first.value as number, second.value as number] };
    }
  }
}

/** The text a field shows for a stored value. */
export function paramText(value: ParamValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
