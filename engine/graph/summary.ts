/**
 * A model summary in the spirit of Keras's `model.summary()`: one row per node in
 * topological order (output shape, params, multiply-adds) and the totals. Pure, so the CLI
 * prints it and the editor can offer it to copy.
 */
import { getNodeType } from '../nodes/registry';
import { resolveParams } from '../nodes/params';
import type { GraphDocument, Shape } from './document';
import { isFrozen } from './freeze';
import { formatBytes, formatCount, formatShape } from './format';
import type { GraphAnalysis } from './types';

/** `cnn-studio summary --json`: one object describing the model. */
export interface SummaryJson {
  name: string;
  input: Shape | null;
  output: Shape | null;
  params: { trainable: number; nonTrainable: number };
  /** Multiply-adds per example. */
  macs: number;
  /** Per node in topological order; `params` is trainable + non-trainable. */
  nodes: Array<{ id: string; type: string; outputShape: Shape | null; params: number; macs: number }>;
}

/** The summary as a plain object (what `--json` prints). */
export function summaryJson(doc: GraphDocument, analysis: GraphAnalysis): SummaryJson {
  return {
    name: doc.name,
    input: analysis.inputShape,
    output: analysis.outputShape,
    params: { trainable: analysis.totals.trainable, nonTrainable: analysis.totals.nonTrainable },
    macs: analysis.totals.macs,
    nodes: orderedIds(doc, analysis).map((id) => {
      const node = analysis.nodes[id];
      return {
        id,
        type: node.type,
        outputShape: node.outputShape,
        params: node.params.trainable + node.params.nonTrainable,
        macs: node.macs,
      };
    }),
  };
}

/**
 * The summary as a text table, e.g.
 * ```
 *  Node     Layer                              Output shape   Params   Multiply-adds
 *  conv1    Conv 2D (5×5 · 6 · p2 · sigmoid)   28×28×6           156         117,600
 * ```
 */
export function formatSummaryTable(doc: GraphDocument, analysis: GraphAnalysis): string {
  const header = ['Node', 'Layer', 'Output shape', 'Params', 'Multiply-adds'];
  const rows = orderedIds(doc, analysis).map((id) => {
    const result = analysis.nodes[id];
    return [
      id,
      layerText(doc, id),
      formatShape(result.outputShape),
      formatCount(result.params.trainable + result.params.nonTrainable),
      formatCount(result.macs),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  // Text columns left-aligned, numbers right-aligned.
  const line = (cells: string[]) =>
    ' ' +
    cells
      .map((cell, column) => (column >= 3 ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('   ');
  const width = line(header).length;
  const { totals } = analysis;
  const total = totals.trainable + totals.nonTrainable;
  return [
    `Model: "${doc.name}"  ${formatShape(analysis.inputShape)} → ${formatShape(analysis.outputShape)}`,
    '─'.repeat(width),
    line(header),
    '═'.repeat(width),
    ...rows.map(line),
    '═'.repeat(width),
    ` Total params: ${formatCount(total)} (${formatBytes(total * 4)})`,
    ` Trainable params: ${formatCount(totals.trainable)}`,
    ` Non-trainable params: ${formatCount(totals.nonTrainable)}`,
    ` Multiply-adds: ${formatCount(totals.macs)} per example`,
    ` Activations: ${formatBytes(totals.activationBytes)} per example (float32)`,
    '─'.repeat(width),
  ].join('\n');
}

/** Topological order when there is one, else document order. */
function orderedIds(doc: GraphDocument, analysis: GraphAnalysis): string[] {
  return analysis.order.length > 0 ? analysis.order : Object.keys(analysis.nodes);
}

/** `Conv 2D (5×5 · 6 · p2)`: the type's label and its key params. */
function layerText(doc: GraphDocument, id: string): string {
  const node = doc.nodes.find((candidate) => candidate.id === id);
  const definition = node ? getNodeType(node.type) : undefined;
  if (!node || !definition) return node?.type ?? '?';
  let detail = '';
  try {
    detail = definition.summarize(resolveParams(definition, node.params) as never);
  } catch {
    // A summary is decoration; an odd param must not break the table.
  }
  const name = node.label ? `${node.label}: ${definition.label}` : definition.label;
  return `${name}${detail ? ` (${detail})` : ''}${node.bypassed ? ' [bypassed]' : ''}${isFrozen(node) ? ' [frozen]' : ''}`;
}
