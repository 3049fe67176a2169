/**
 * Checks a node's params against its type's schema: JSON type, whole numbers, ranges,
 * choices and padding (numeric padding at most `MAX_PADDING_PIXELS` per side). Missing params are fine (they take defaults); unknown ones are
 * flagged as warnings so typos don't go unnoticed.
 */
import type { GraphNode, ParamValue } from './document';
import type { GraphIssue } from './types';
import type { NodeTypeDefinition, ParamSpec } from '../nodes/types';
import { MAX_PADDING_PIXELS } from '../nodes/params';
import { describeValue } from './describe';

/** Every param problem of `node`, as `bad-param` issues with `param` set. */
export function checkParams(node: GraphNode, definition: NodeTypeDefinition): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const known = new Set<string>();
  for (const spec of definition.params) {
    known.add(spec.name);
    const value = node.params[spec.name];
    if (value === undefined) continue;
    const problem = paramProblem(spec, value);
    if (problem) {
      issues.push({
        severity: 'error',
        code: 'bad-param',
        nodeId: node.id,
        param: spec.name,
        message: `${spec.name} ${problem}, got ${describeValue(value)}`,
      });
    }
  }
  for (const name of Object.keys(node.params)) {
    if (!known.has(name)) {
      const names = definition.params.map((spec) => spec.name);
      issues.push({
        severity: 'warning',
        code: 'bad-param',
        nodeId: node.id,
        param: name,
        message: `${definition.label} has no param "${name}"; it is ignored${names.length > 0 ? ` (params: ${names.join(', ')})` : ''}`,
      });
    }
  }
  return issues;
}

/** What is wrong with `value` for `spec` (the part after the param name), or null. */
function paramProblem(spec: ParamSpec, value: ParamValue): string | null {
  switch (spec.kind) {
    case 'int':
      return numberProblem(value, true, spec.min, spec.max);
    case 'float':
      return numberProblem(value, false, spec.min, spec.max, spec.exclusiveMin, spec.exclusiveMax);
    case 'bool':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && spec.options.includes(value)
        ? null
        : `must be one of ${spec.options.join(', ')}`;
    case 'padding':
      if (value === 'same' || value === 'valid') return null;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_PADDING_PIXELS)
        return null;
      return `must be "same", "valid" or a whole number of pixels from 0 to ${MAX_PADDING_PIXELS}`;
    case 'size': {
      if (!Array.isArray(value)) return numberProblem(value, true, spec.min, spec.max);
      const each = rangeText(true, spec.min, spec.max);
      const ok =
        value.length === 2 && value.every((item) => numberProblem(item, true, spec.min, spec.max) === null);
      return ok ? null : `must be ${each}, or a [height, width] pair of them`;
    }
    case 'intPair': {
      const each = rangeText(true, spec.min, spec.max);
      if (!Array.isArray(value) || value.length !== 2) return `must be a pair of ${each}`;
      const bad = value.find((item) => numberProblem(item, true, spec.min, spec.max) !== null);
      return bad === undefined ? null : `must be a pair of ${each}`;
    }
  }
}

function numberProblem(
  value: ParamValue,
  integer: boolean,
  min?: number,
  max?: number,
  exclusiveMin = false,
  exclusiveMax = false,
): string | null {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (exclusiveMin ? value > min : value >= min)) &&
    (max === undefined || (exclusiveMax ? value < max : value <= max));
  return ok ? null : `must be ${rangeText(integer, min, max, exclusiveMin, exclusiveMax)}`;
}

/** e.g. `a whole number from 1 to 8192`, `a number > 0 and < 1`. */
function rangeText(
  integer: boolean,
  min?: number,
  max?: number,
  exclusiveMin = false,
  exclusiveMax = false,
): string {
  const kind = integer ? 'a whole number' : 'a number';
  if (min !== undefined && max !== undefined && !exclusiveMin && !exclusiveMax)
    return `${kind} from ${min} to ${max}`;
  const bounds: string[] = [];
  if (min !== undefined) bounds.push(`${exclusiveMin ? '>' : '≥'} ${min}`);
  if (max !== undefined) bounds.push(`${exclusiveMax ? '<' : '≤'} ${max}`);
  return bounds.length > 0 ? `${kind} ${bounds.join(' and ')}` : kind;
}
