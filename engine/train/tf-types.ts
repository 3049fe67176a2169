/** The TensorFlow.js namespace as the backend selector hands it over. */
import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;
export type { tfjs };
