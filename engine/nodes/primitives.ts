/** The single-layer node types: everything a block's subgraph is built from. */
import { activation } from './activation';
import { add } from './add';
import { avgPool2d } from './avg-pool2d';
import { batchNorm } from './batch-norm';
import { concat } from './concat';
import { conv2d } from './conv2d';
import { dense } from './dense';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { globalAvgPool2d } from './global-avg-pool2d';
import { input } from './input';
import { maxPool2d } from './max-pool2d';
import { resize } from './resize';
import type { NodeTypeDefinition } from './types';

export const primitiveNodeTypes: readonly NodeTypeDefinition[] = [
  input,
  conv2d,
  maxPool2d,
  avgPool2d,
  globalAvgPool2d,
  batchNorm,
  activation,
  dense,
  dropout,
  flatten,
  concat,
  add,
  resize,
];
