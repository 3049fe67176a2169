import type { Shape } from '../graph/document';
import { formatShape } from './shape-utils';
import { ShapeError } from './types';

/** Checks a merge node (concat, add) has at least two inputs of the same rank. */
export function checkMergeInputs(label: string, inputs: readonly Shape[]): void {
  if (inputs.length < 2) {
    throw new ShapeError(`${label} needs at least 2 inputs, got ${inputs.length}`);
  }
  const rank = inputs[0].length;
  const odd = inputs.findIndex((shape) => shape.length !== rank);
  if (odd >= 0) {
    throw new ShapeError(
      `${label}: input ${odd + 1} is ${formatShape(inputs[odd])} but input 1 is ${formatShape(inputs[0])}; ` +
        'all inputs must be images or all vectors',
    );
  }
}
