/** Reading what a person typed for an exposed block param: its default and its bounds. */
import type { ParamValue } from '../../../engine/graph/document';
import type { ParamSpec } from '../../../engine/nodes/types';
import { paramText, parseParam } from '../inspector/param-input';

/** The texts of one exposed param's fields. */
export interface ExposedTexts {
  defaultText: string;
  minText: string;
  maxText: string;
}

export type ExposedValues = { default: ParamValue; min?: number; max?: number };

/** The fields' texts for a value and bounds. */
export function exposedTexts(value: ParamValue, min?: number, max?: number): ExposedTexts {
  return {
    defaultText: paramText(value),
    minText: min === undefined ? '' : String(min),
    maxText: max === undefined ? '' : String(max),
  };
}

/**
 * The default (checked against the inner param's spec) and the bounds, or the problem with
 * what was typed, naming the param by `label`.
 */
export function parseExposed(
  spec: ParamSpec,
  label: string,
  texts: ExposedTexts,
): ExposedValues | { problem: string } {
  const parsed = parseParam(spec, texts.defaultText);
  if (!parsed.ok) return { problem: `${label}: default ${parsed.error}` };
  const bound = (text: string, which: string): number | undefined | { problem: string } => {
    if (text.trim() === '') return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : { problem: `${label}: the ${which} value "${text}" is not a number` };
  };
  const min = bound(texts.minText, 'lowest');
  const max = bound(texts.maxText, 'highest');
  if (typeof min === 'object') return min;
  if (typeof max === 'object') return max;
  const value = parsed.value;
  const numbers = (Array.isArray(value) ? value : [value]) as number[];
  if (
    (min !== undefined && numbers.some((v) => v < min)) ||
    (max !== undefined && numbers.some((v) => v > max))
  )
    return { problem: `${label}: the default ${paramText(value)} is outside ${min ?? '…'} to ${max ?? '…'}` };
  return { default: value, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}
