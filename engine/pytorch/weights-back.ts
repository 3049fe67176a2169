/**
 * Weights back from PyTorch: for every weight of the engine's (tfjs) model, in the order of
 * its weights manifest, the PyTorch `state_dict` key it comes from and how to re-lay it.
 * This is the inverse of the export conversion (engine/host/model-export.ts's torchTensors),
 * built from the same `torchWeightTargets` and `flattenPermutation`; the runner applies it
 * with numpy when it writes a checkpoint or the final model.
 */
import type { ExportPlan } from '../export/plan';
import { findLeafLayer } from '../export/model-layers';
import { flattenPermutation, torchWeightTargets } from '../export/pytorch-weights';
import type { tfjs } from '../train/tf-types';

/** How a PyTorch tensor becomes the tfjs weight. */
export type WeightLayout =
  /** [out, in, kh, kw] → [kh, kw, in, out] */
  | 'conv'
  /** [out, in] → [in, out], input features reordered by `permutation` */
  | 'dense'
  /** a vector, reordered by `permutation` when it runs over flattened features */
  | 'vector';

export interface TfjsWeightSource {
  /** The tfjs weight's manifest name, e.g. `conv1_conv/kernel`. */
  name: string;
  shape: number[];
  torchKey: string;
  layout: WeightLayout;
  /** `tfjsIndex[torchIndex]` for features flattened from [h, w, c] (see `flattenPermutation`). */
  permutation?: number[];
}

const BN_KEYS = ['weight', 'bias', 'running_mean', 'running_var'];

/**
 * Where each weight of `model` (compiled from `plan.document`) comes from in the PyTorch
 * model `pytorchModelSource(plan)` defines. `manifestNames` are model.json's weight names,
 * checked against the model's weights so a mismatch fails here, not as wrong predictions.
 *
 * @throws ExportError for a graph whose weights cannot be reordered; Error when a weight of the
 * model has no PyTorch source.
 */
export function tfjsWeightSources(
  plan: ExportPlan,
  model: Pick<tfjs.LayersModel, 'weights' | 'layers'>,
  manifestNames: readonly string[],
): TfjsWeightSource[] {
  const sources = new Map<object, Omit<TfjsWeightSource, 'name' | 'shape'>>();
  for (const target of torchWeightTargets(plan)) {
    const layer = findLeafLayer<tfjs.layers.Layer>(model, target.tfjsLayer);
    if (!layer) throw new Error(`internal: the compiled model has no layer "${target.tfjsLayer}"`);
    const weights = layer.weights;
    const permutation = target.flattenedFrom
      ? Array.from(flattenPermutation(target.flattenedFrom))
      : undefined;
    const key = (name: string) => `${target.torchModule}.${name}`;
    weights.forEach((weight, i) => {
      if (target.kind === 'bn') {
        sources.set(weight, {
          torchKey: key(BN_KEYS[i]),
          layout: 'vector',
          ...(permutation ? { permutation } : {}),
        });
      } else if (i === 0) {
        const layout = target.kind === 'conv' ? 'conv' : 'dense';
        sources.set(weight, { torchKey: key('weight'), layout, ...(permutation ? { permutation } : {}) });
      } else {
        sources.set(weight, { torchKey: key('bias'), layout: 'vector' });
      }
    });
  }
  if (manifestNames.length !== model.weights.length)
    throw new Error(
      `internal: model.json lists ${manifestNames.length} weights, the model has ${model.weights.length}`,
    );
  return model.weights.map((weight, i) => {
    const source = sources.get(weight);
    // Variable names get a `_2` suffix when a graph is compiled twice in one process; the
    // manifest keeps the original name.
    const name = weight.originalName;
    if (!source || manifestNames[i] !== name)
      throw new Error(
        `internal: the PyTorch engine has no source for the weight ${name} (${manifestNames[i]})`,
      );
    return { name, shape: [...weight.shape] as number[], ...source };
  });
}
