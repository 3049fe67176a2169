/** The single-layer node types: everything a block's subgraph is built from. */
import { activation } from './activation';
import { add } from './add';
import { avgPool2d } from './avg-pool2d';
import { batchNorm } from './batch-norm';
import { concat } from './concat';
import { conv2d } from './conv2d';
import { conv2dTranspose } from './conv2d-transpose';
import { dense } from './dense';
import { depthwiseConv2d } from './depthwise-conv2d';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { cropping2d, zeroPadding2d } from './edge-padding';
import { globalAvgPool2d } from './global-avg-pool2d';
import { globalMaxPool2d } from './global-max-pool2d';
import { input } from './input';
import { maxPool2d } from './max-pool2d';
import { multiply } from './multiply';
import { reshape } from './reshape';
import { resize } from './resize';
import { separableConv2d } from './separable-conv2d';
import { spatialDropout2d } from './spatial-dropout2d';
import type { NodeTypeDefinition } from './types';
import { upSampling2d } from './up-sampling2d';

export const primitiveNodeTypes: readonly NodeTypeDefinition[] = [
  input,
  conv2d,
  depthwiseConv2d,
  separableConv2d,
  conv2dTranspose,
  maxPool2d,
  avgPool2d,
  globalAvgPool2d,
  globalMaxPool2d,
  batchNorm,
  activation,
  dense,
  dropout,
  spatialDropout2d,
  flatten,
  concat,
  add,
  multiply,
  resize,
  upSampling2d,
  zeroPadding2d,
  cropping2d,
  reshape,
];
