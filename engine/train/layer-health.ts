/**
 * Training health, measured by the tfjs engine: on a sampled training batch, per graph node
 * (and per inner layer of a block) the time of its forward and backward pass, the mean,
 * standard deviation and share of zeros of its output, the norm of its weights' gradients
 * and the size of the step's update relative to its weights.
 *
 * How, so the figures stay cheap and honest:
 * - Activations come from the sampled step itself: its forward runs through a "probe" model
 *   that shares every layer of the trained model but also outputs each layer's value, so the
 *   statistics are those of the very batch the optimizer learned from, in training mode.
 * - Gradient norms are taken from the step's gradients before clipping; update ratios compare
 *   each trainable weight before and after the optimizer's update (`‖Δw‖ / ‖w‖`).
 * - Time: after the step, each layer is run alone on its recorded input, forward in training
 *   mode and backward (gradients for its input and weights, with an upstream gradient of
 *   ones), under `tf.time`: kernel time on GPUs, wall time of the synchronous kernels on CPU
 *   backends. The sums do not include data loading or the optimizer. A backend that cannot
 *   time kernels (WebGL without timer queries) reports no time (`null`). Batch-norm moving
 *   statistics are restored after a layer's timing pass, so it changes nothing.
 * - Cost: a sample costs about two training steps. `LayerHealthMonitor` spaces samples so
 *   their time stays under `budget` (default 2.5 %) of the training time: after a sample that
 *   took `c` ms, the next one waits `c / budget` ms.
 *
 * Layers map back to graph nodes by their compiled names (`<node>_<suffix>`, inside a block
 * `<block>_<inner>_<suffix>`; see compile/layer-names.ts): the longest node-id prefix wins.
 * Graphs too deep for one flat model (compile's nested parts) get no health samples.
 */
import { tfjsSafeName } from '../compile/layer-names';
import type { GraphDocument } from '../graph/document';
import { resolveParams } from '../nodes/params';
import { getNodeType } from '../nodes/registry';
import type { LayerHealth } from '../protocol/api';
import { squaredGlobalNorm } from './gradients';
import type { StepObserver } from './step';
import type { Tf, tfjs } from './tf-types';

type Layer = tfjs.layers.Layer;

/** Where a compiled layer belongs: its graph node, and the block's inner node if any. */
export interface LayerOwner {
  nodeId: string;
  innerId?: string;
}

/** The layers of one graph node (or of one inner node of a block) and where its output comes from. */
interface HealthUnit extends LayerOwner {
  layers: Layer[];
  /** The layer whose output leaves the unit (what the node outputs). */
  output: Layer | null;
  /** Names of the tf.Variables of the unit's trainable weights (the gradients' keys). */
  variables: string[];
}

/**
 * Which graph node (and inner node) each compiled layer belongs to, by name: a layer named
 * `<safe(node)>_…` belongs to that node, the longest matching node prefix first; inside a
 * block, `<safe(block)>_<safe(inner)>_…` names the inner node.
 */
export function layerOwners(graph: GraphDocument, layerNames: readonly string[]): Map<string, LayerOwner> {
  const prefixes = graph.nodes
    .map((node) => ({ node, prefix: `${tfjsSafeName(node.id)}_` }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const innerPrefixes = new Map<string, Array<{ id: string; prefix: string }>>();
  const innerOf = (node: GraphDocument['nodes'][number]) => {
    let list = innerPrefixes.get(node.id);
    if (list) return list;
    list = [];
    const def = getNodeType(node.type);
    if (def?.expand) {
      try {
        const expand = def.expand as (params: unknown) => { nodes: Array<{ id: string }> };
        list = expand(resolveParams(def, node.params))
          .nodes.map((inner) => ({ id: inner.id, prefix: `${tfjsSafeName(inner.id)}_` }))
          .sort((a, b) => b.prefix.length - a.prefix.length);
      } catch {
        list = [];
      }
    }
    innerPrefixes.set(node.id, list);
    return list;
  };
  const owners = new Map<string, LayerOwner>();
  for (const name of layerNames) {
    const match = prefixes.find(({ prefix }) => name.startsWith(prefix));
    if (!match) continue;
    const rest = name.slice(match.prefix.length);
    const inner = innerOf(match.node).find(({ prefix }) => rest.startsWith(prefix));
    owners.set(name, inner ? { nodeId: match.node.id, innerId: inner.id } : { nodeId: match.node.id });
  }
  return owners;
}

const isInputLayer = (layer: Layer) => layer.getClassName() === 'InputLayer';
const isNestedModel = (layer: Layer) =>
  'layers' in layer && Array.isArray((layer as { layers?: unknown }).layers);

/** Groups the model's layers into health units: one per node, and one per inner node of a block. */
function healthUnits(model: tfjs.LayersModel, owners: Map<string, LayerOwner>): HealthUnit[] {
  const units = new Map<string, HealthUnit>();
  const unitOf = (owner: LayerOwner) => {
    const key = owner.innerId === undefined ? owner.nodeId : `${owner.nodeId}\u0000${owner.innerId}`;
    let unit = units.get(key);
    if (!unit) {
      unit = { ...owner, layers: [], output: null, variables: [] };
      units.set(key, unit);
    }
    return unit;
  };
  for (const layer of model.layers) {
    const owner = owners.get(layer.name);
    if (!owner || isInputLayer(layer)) continue;
    unitOf({ nodeId: owner.nodeId }).layers.push(layer);
    if (owner.innerId !== undefined) unitOf(owner).layers.push(layer);
  }
  const modelOutput = model.outputs[0].sourceLayer;
  for (const unit of units.values()) {
    const members = new Set(unit.layers);
    // The unit's output: the layer whose value is used outside it (or is the model's output).
    const leaving = unit.layers.filter(
      (layer) =>
        layer === modelOutput ||
        layer.outboundNodes.some((node: { outboundLayer: Layer }) => !members.has(node.outboundLayer)),
    );
    unit.output = leaving.at(-1) ?? null;
    unit.variables = unit.layers.flatMap((layer) =>
      layer.trainableWeights.map((w) => (w.read() as tfjs.Variable).name),
    );
  }
  return [...units.values()];
}

/** A finite number, or null (JSON carries no NaN). */
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** What one sampled step leaves for `collect`: figures on the device, read once. */
class SampledStep implements StepObserver {
  private activations: tfjs.Tensor[] = [];
  private gradientSquares: tfjs.Tensor | null = null;
  private before = new Map<string, tfjs.Tensor>();
  private updateSquares: tfjs.Tensor | null = null;

  constructor(
    private readonly tf: Tf,
    private readonly plan: HealthPlan,
  ) {}

  forward(xs: tfjs.Tensor4D): tfjs.Tensor {
    const outputs = this.plan.probe.apply(xs, { training: true }) as tfjs.Tensor | tfjs.Tensor[];
    this.activations = (Array.isArray(outputs) ? outputs : [outputs]).map((t) => this.tf.keep(t));
    return this.activations[this.plan.finalIndex];
  }

  beforeUpdate(variables: readonly tfjs.Variable[], gradients: Record<string, tfjs.Tensor>): void {
    const { tf } = this;
    const weighted = this.plan.units.filter((unit) => unit.variables.length > 0);
    if (weighted.length === 0) return;
    this.gradientSquares = tf.keep(
      tf.stack(
        weighted.map((unit) =>
          squaredGlobalNorm(
            tf,
            unit.variables.flatMap((name) => (gradients[name] ? [gradients[name]] : [])),
          ),
        ),
      ),
    );
    // A clone shares the variable's data until the update replaces it: no copy is made.
    for (const variable of variables) this.before.set(variable.name, tf.keep(tf.clone(variable)));
  }

  afterUpdate(variables: readonly tfjs.Variable[]): void {
    const { tf } = this;
    const byName = new Map(variables.map((v) => [v.name, v]));
    const weighted = this.plan.units.filter((unit) => unit.variables.length > 0);
    if (weighted.length === 0 || this.before.size === 0) return;
    const present = (unit: HealthUnit) => unit.variables.filter((n) => byName.has(n) && this.before.has(n));
    this.updateSquares = tf.keep(
      tf.stack(
        weighted.flatMap((unit) => {
          const names = present(unit);
          return [
            squaredGlobalNorm(
              tf,
              names.map((n) => tf.sub(byName.get(n)!, this.before.get(n)!)),
            ),
            squaredGlobalNorm(
              tf,
              names.map((n) => this.before.get(n)!),
            ),
          ];
        }),
      ),
    );
    tf.dispose([...this.before.values()]);
    this.before.clear();
  }

  /** Reads the figures, times each layer alone on its recorded input, and frees everything. */
  async collect(xs: tfjs.Tensor4D): Promise<LayerHealth[]> {
    const { tf, plan } = this;
    const withOutput = plan.units.filter((unit) => unit.output !== null);
    const activationStats = tf.tidy(() =>
      withOutput.length === 0
        ? tf.zeros([0, 3])
        : tf.stack(
            withOutput.map((unit) => {
              const value = this.activations[plan.probeIndex.get(unit.output!)!];
              const { mean, variance } = tf.moments(value);
              const zeros = tf.mean(tf.cast(tf.equal(value, 0), 'float32'));
              return tf.stack([mean, tf.sqrt(variance), zeros]);
            }),
          ),
    );
    const [stats, gradients, updates] = await Promise.all([
      activationStats.data(),
      this.gradientSquares?.data() ?? Promise.resolve(new Float32Array(0)),
      this.updateSquares?.data() ?? Promise.resolve(new Float32Array(0)),
    ]);
    activationStats.dispose();
    const layerMs = await this.timeLayers(xs);

    const weighted = plan.units.filter((unit) => unit.variables.length > 0);
    return plan.units.map((unit) => {
      const a = withOutput.indexOf(unit);
      const w = weighted.indexOf(unit);
      const times = unit.layers.map((layer) => layerMs.get(layer));
      const updateSquare = w >= 0 && updates.length > 0 ? updates[2 * w] : NaN;
      const weightSquare = w >= 0 && updates.length > 0 ? updates[2 * w + 1] : NaN;
      return {
        nodeId: unit.nodeId,
        ...(unit.innerId !== undefined ? { innerId: unit.innerId } : {}),
        timeMs: times.every((t) => t !== null && t !== undefined)
          ? finiteOrNull(times.reduce<number>((sum, t) => sum + t!, 0))
          : null,
        activationMean: a >= 0 ? finiteOrNull(stats[3 * a]) : null,
        activationStd: a >= 0 ? finiteOrNull(stats[3 * a + 1]) : null,
        zeroShare: a >= 0 ? finiteOrNull(stats[3 * a + 2]) : null,
        gradNorm: w >= 0 && gradients.length > 0 ? finiteOrNull(Math.sqrt(gradients[w])) : null,
        updateRatio:
          w >= 0 && weightSquare > 0 ? finiteOrNull(Math.sqrt(updateSquare) / Math.sqrt(weightSquare)) : null,
      };
    });
  }

  /** Each layer's forward + backward alone, in ms (null where the backend cannot time kernels). */
  private async timeLayers(xs: tfjs.Tensor4D): Promise<Map<Layer, number | null>> {
    const { tf, plan } = this;
    const times = new Map<Layer, number | null>();
    for (const layer of plan.timedLayers) {
      const sources = ([] as tfjs.SymbolicTensor[]).concat(layer.input);
      const inputs = sources.map((source) =>
        isInputLayer(source.sourceLayer)
          ? xs
          : this.activations[plan.probeIndex.get(source.sourceLayer as Layer)!],
      );
      const variables = layer.trainableWeights.map((w) => w.read());
      // The model input gets no gradient in training either.
      const differentiable = [...inputs.filter((input) => input !== xs), ...variables];
      const kept = layer.nonTrainableWeights.map((w) => tf.keep(tf.clone(w.read())));
      try {
        const timing = await tf.time(() => {
          tf.tidy(() => {
            const forward = () =>
              tf.sum(
                layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: true }) as tfjs.Tensor,
              );
            if (differentiable.length === 0) forward();
            else tf.engine().gradients(forward, differentiable, undefined, true);
          });
        });
        times.set(layer, typeof timing.kernelMs === 'number' ? timing.kernelMs : null);
      } finally {
        // Batch norm's moving statistics as they were after the real step.
        layer.nonTrainableWeights.forEach((w, i) => w.write(kept[i]));
        tf.dispose(kept);
      }
    }
    return times;
  }

  dispose(): void {
    this.tf.dispose([
      ...this.activations,
      ...this.before.values(),
      ...(this.gradientSquares ? [this.gradientSquares] : []),
      ...(this.updateSquares ? [this.updateSquares] : []),
    ]);
    this.activations = [];
    this.before.clear();
    this.gradientSquares = null;
    this.updateSquares = null;
  }
}

/** A model prepared for health samples. */
interface HealthPlan {
  units: HealthUnit[];
  /** Shares the model's layers; outputs every timed layer's value. Never disposed (that would free the shared weights). */
  probe: tfjs.LayersModel;
  /** Position of each layer's value among the probe's outputs. */
  probeIndex: Map<Layer, number>;
  /** Position of the model's own output. */
  finalIndex: number;
  timedLayers: Layer[];
}

/** One sampled step as the trainer drives it: observe the step, then collect, always dispose. */
export interface HealthSampling extends StepObserver {
  collect(xs: tfjs.Tensor4D): Promise<LayerHealth[]>;
  dispose(): void;
}

/** The share of training time health samples may take unless told otherwise. */
export const DEFAULT_HEALTH_BUDGET = 0.025;

export interface LayerHealthOptions {
  /** Largest share of training time the samples may take; default `DEFAULT_HEALTH_BUDGET`. */
  budget?: number;
  /** Clock in ms (tests); default `performance.now`. */
  now?: () => number;
}

/**
 * Decides which batches are sampled and prepares their sampling. The first sample is the
 * run's second batch (the first one carries warm-up costs), the last is the run's final batch.
 */
export class LayerHealthMonitor {
  private nextDueAt = -Infinity;
  private samples = 0;
  private sampleStartedAt = 0;
  private readonly budget: number;
  private readonly now: () => number;

  private constructor(
    private readonly tf: Tf,
    private readonly plan: HealthPlan,
    options: LayerHealthOptions,
  ) {
    this.budget = options.budget ?? DEFAULT_HEALTH_BUDGET;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * A monitor for `model` compiled from `graph`, or null when its layers cannot be told
   * apart (a graph compiled as nested parts).
   */
  static create(
    tf: Tf,
    model: tfjs.LayersModel,
    graph: GraphDocument,
    options: LayerHealthOptions = {},
  ): LayerHealthMonitor | null {
    if (model.layers.some(isNestedModel)) return null;
    const owners = layerOwners(
      graph,
      model.layers.map((layer) => layer.name),
    );
    const units = healthUnits(model, owners);
    const timedLayers = model.layers.filter((layer) => !isInputLayer(layer));
    if (units.length === 0 || timedLayers.length === 0) return null;
    const probe = tf.model({
      inputs: model.inputs,
      outputs: timedLayers.map((layer) => layer.output as tfjs.SymbolicTensor),
      name: `${model.name}_health`,
    });
    const probeIndex = new Map(timedLayers.map((layer, i) => [layer, i]));
    const finalIndex = probeIndex.get(model.outputs[0].sourceLayer as Layer);
    if (finalIndex === undefined) return null;
    return new LayerHealthMonitor(tf, { units, probe, probeIndex, finalIndex, timedLayers }, options);
  }

  /** Whether to sample the batch after `batchesDone` batches of this run (`lastOfRun`: its final batch). */
  due(batchesDone: number, lastOfRun: boolean): boolean {
    if (lastOfRun) return true;
    if (this.samples === 0) return batchesDone >= 1;
    return this.now() >= this.nextDueAt;
  }

  /** Starts sampling one step: pass it to `trainStep`, then `collect`, and `dispose` it in any case. */
  begin(): HealthSampling {
    this.sampleStartedAt = this.now();
    const step = new SampledStep(this.tf, this.plan);
    return {
      forward: (xs) => step.forward(xs),
      beforeUpdate: (variables, gradients) => step.beforeUpdate(variables, gradients),
      afterUpdate: (variables) => step.afterUpdate(variables),
      collect: async (xs) => {
        const layers = await step.collect(xs);
        this.samples++;
        // The sampled step counts as cost too (it is a little slower than a plain one).
        const cost = this.now() - this.sampleStartedAt;
        this.nextDueAt = this.now() + cost / this.budget;
        return layers;
      },
      dispose: () => step.dispose(),
    };
  }
}
