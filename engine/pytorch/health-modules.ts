/**
 * Which modules of the generated PyTorch model (model.py) stand for which graph node, so the
 * runner's training-health hooks report per node as a tfjs run does. Module paths follow the
 * exporter (`net.<i>` in a Sequential chain, else the node's attribute name); inner layers of
 * a block are found through their weights, the same way weights-back.ts pairs tfjs weights
 * with `state_dict` keys (`torchWeightTargets`), and their tfjs layer names tell the inner node.
 */
import type { ExportPlan } from '../export/plan';
import { isSequentialNet, torchModules } from '../export/pytorch-model';
import { torchWeightTargets } from '../export/pytorch-weights';
import { layerOwners } from '../train/layer-health';

/** A graph node (or a block's inner node) and the modules that compute it, in order. */
export interface TorchHealthUnit {
  nodeId: string;
  innerId?: string;
  /** Module paths as `named_modules()` names them; the last one's output is the unit's output. */
  modules: string[];
}

/**
 * Every node with modules (a node done in `forward` alone, such as Flatten or Add in a graph,
 * has none and gets no PyTorch figures), then every inner node of a block that holds weights.
 */
export function torchHealthUnits(plan: ExportPlan): TorchHealthUnit[] {
  const sequential = isSequentialNet(plan);
  const units: TorchHealthUnit[] = [];
  let chainIndex = 0;
  for (const layer of plan.layers) {
    const count = torchModules(layer).length;
    if (count > 0) {
      const modules = sequential
        ? Array.from({ length: count }, (_, i) => `net.${chainIndex + i}`)
        : [layer.name];
      units.push({ nodeId: layer.node.id, modules });
    }
    if (sequential) chainIndex += count;
  }
  const targets = torchWeightTargets(plan);
  const owners = layerOwners(
    plan.document,
    targets.map((target) => target.tfjsLayer),
  );
  const inner = new Map<string, TorchHealthUnit>();
  for (const target of targets) {
    const owner = owners.get(target.tfjsLayer);
    if (owner?.innerId === undefined) continue;
    const key = `${owner.nodeId}\u0000${owner.innerId}`;
    const unit = inner.get(key) ?? { nodeId: owner.nodeId, innerId: owner.innerId, modules: [] };
    if (!unit.modules.includes(target.torchModule)) unit.modules.push(target.torchModule);
    inner.set(key, unit);
  }
  return [...units, ...inner.values()];
}
