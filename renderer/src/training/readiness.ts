/**
 * Before a run: can this graph train on this dataset? Mirrors the engine's own checks so
 * the panel can say what is wrong, and where, before anything starts: an invalid graph or
 * an output that does not match the dataset's classes blocks the run (with the node to
 * select); a different image size only warns, because the data pipeline resizes.
 */
import type { GraphDocument, Shape } from '../../../engine/graph/document';
import { formatShape } from '../../../engine/graph/format';
import type { GraphAnalysis } from '../../../engine/graph/types';
import type { DatasetInfo } from '../../../engine/protocol/api';

export interface Problem {
  message: string;
  /** The node to select to fix it. */
  nodeId?: string;
}

export interface Readiness {
  /** Why Train is refused, or null. */
  blocking: Problem | null;
  warnings: Problem[];
}

export function trainingReadiness(analysis: GraphAnalysis, dataset: DatasetInfo | undefined): Readiness {
  const firstError = analysis.issues.find((issue) => issue.severity === 'error');
  if (!analysis.valid || firstError) {
    const message = firstError
      ? `${firstError.nodeId ? `${firstError.nodeId}: ` : ''}${firstError.message}`
      : 'the graph is not valid';
    return {
      blocking: {
        message: `Fix the graph first — ${message}`,
        ...(firstError?.nodeId ? { nodeId: firstError.nodeId } : {}),
      },
      warnings: [],
    };
  }
  const warnings: Problem[] = [];
  const output = analysis.outputShape;
  const outputId = analysis.outputNodeId ?? undefined;
  const input: Shape | null = analysis.inputShape;
  if (!dataset) return { blocking: null, warnings };
  const classes = dataset.classNames.length;
  if (!output || output.length !== 1) {
    return {
      blocking: {
        message: `The output gives ${formatShape(output)}, not ${classes} class scores: end the graph with flatten and a dense layer of ${classes} units.`,
        ...(outputId ? { nodeId: outputId } : {}),
      },
      warnings,
    };
  }
  if (output[0] !== classes) {
    return {
      blocking: {
        message: `${dataset.name} has ${classes} classes but the output layer ${outputId ?? ''} has ${output[0]} units — set its units to ${classes}.`,
        ...(outputId ? { nodeId: outputId } : {}),
      },
      warnings,
    };
  }
  const stored = dataset.imageShape;
  if (input && (input[0] !== stored[0] || input[1] !== stored[1] || input[2] !== stored[2])) {
    const channels =
      input[2] !== stored[2]
        ? `, ${stored[2] === 1 ? 'gray copied to 3 channels' : 'RGB converted to gray'}`
        : '';
    warnings.push({
      message: `${dataset.name} images are ${formatShape(stored)}; the input takes ${formatShape(input)}. The data pipeline resizes them (bilinear${channels}).`,
      ...(analysis.inputNodeId ? { nodeId: analysis.inputNodeId } : {}),
    });
  }
  return { blocking: null, warnings };
}

/**
 * What identifies a graph for training (layers, params, wiring — not positions or name),
 * to tell whether the graph changed since a run started.
 */
export function graphSignature(doc: GraphDocument): string {
  return JSON.stringify({
    nodes: doc.nodes.map((n) => [n.id, n.type, n.params, n.bypassed ?? false]),
    edges: doc.edges.map((e) => [e.source, e.sourcePort, e.target, e.targetPort]),
  });
}
