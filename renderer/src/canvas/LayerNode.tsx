/**
 * A layer or block on the canvas: its name and key params, output shape and parameter
 * count; a red outline with the reason when it is invalid; a bypassed look; and for
 * blocks, an expandable list of the inner layers with their shapes.
 */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { GraphNode, Params } from '../../../engine/graph/document';
import type { NodeAnalysis } from '../../../engine/graph/types';
import { formatCompact, formatCount, formatShape } from '../../../engine/graph/format';
import { isFrozen } from '../../../engine/graph/freeze';
import { getNodeType } from '../../../engine/nodes/registry';
import { resolveParams } from '../../../engine/nodes/params';
import { editorActions } from '../store/editor-store';
import { useUi } from '../ui/ui-store';
import { innerLayers, innerListHeight } from './block-layers';
import type { NodeError } from './flow-model';
import { sameMark, type NodeDiffMark } from './diff-marks';
import { NodeFixes } from './NodeFixes';
import { HealthChip, healthStyle, useHealthPaint } from './HealthChip';

export interface LayerNodeData extends Record<string, unknown> {
  node: GraphNode;
  info: NodeAnalysis | undefined;
  /** The error shown on the node, if any. */
  error: NodeError | undefined;
  vertical: boolean;
  /** Set while the canvas shows an architecture diff and this layer is new or changed. */
  diff?: NodeDiffMark;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

/** The node face text, e.g. `5×5 · 6 · p2`; empty when the params cannot be summarized. */
export function summarizeNode(node: GraphNode): string {
  const def = getNodeType(node.type);
  if (!def) return '';
  try {
    return (def.summarize as (p: Params) => string)(resolveParams(def, node.params));
  } catch {
    return '';
  }
}

function LayerNodeView({ data, selected }: NodeProps<LayerFlowNode>) {
  const { node, info, error, vertical, diff } = data;
  const def = getNodeType(node.type);
  const paint = useHealthPaint(node.id);
  const total = info ? info.params.trainable + info.params.nonTrainable : 0;
  const expandable = Boolean(def?.expand);
  const inner =
    expandable && node.expanded && def ? innerLayers(def, node.params, info?.inputShapes[0] ?? null) : [];
  const classes = ['layer-node', `cat-${(def?.category ?? 'unknown').toLowerCase()}`];
  if (error) classes.push(error.incomplete ? 'incomplete' : 'invalid');
  if (node.bypassed) classes.push('bypassed');
  if (isFrozen(node)) classes.push('frozen');
  if (selected) classes.push('selected');
  if (diff) classes.push(`diff-${diff.kind}`);
  if (paint.colour) classes.push('health-painted');
  return (
    <div
      className={classes.join(' ')}
      style={healthStyle(paint)}
      data-testid={`node-${node.id}`}
      data-health={paint.colour}
      data-invalid={error ? 'true' : undefined}
      data-bypassed={node.bypassed ? 'true' : undefined}
      data-frozen={isFrozen(node) ? 'true' : undefined}
      data-expanded={node.expanded ? 'true' : undefined}
      data-diff={diff?.kind}
      title={def?.doc}
    >
      {def?.inputs.map((port, i) => (
        <Handle
          key={port.name}
          type="target"
          id={port.name}
          position={vertical ? Position.Top : Position.Left}
          className={port.multiple ? 'handle multi' : 'handle'}
          style={
            def.inputs.length > 1
              ? { [vertical ? 'left' : 'top']: `${((i + 1) * 100) / (def.inputs.length + 1)}%` }
              : undefined
          }
          data-testid={`handle-in-${port.name}`}
        />
      ))}
      <div className="layer-head">
        <span className="layer-title">{node.label ?? def?.label ?? node.type}</span>
        {node.bypassed && <span className="layer-badge">bypassed</span>}
        {isFrozen(node) && (
          <span
            className="layer-badge frozen-badge"
            data-testid="frozen-badge"
            title="Frozen: its weights are not trained"
          >
            <span aria-hidden="true">❄</span> frozen
          </span>
        )}
        {expandable && (
          <button
            type="button"
            className="layer-expand nodrag"
            data-testid="node-expand"
            aria-expanded={Boolean(node.expanded)}
            title={node.expanded ? 'Collapse the inner layers' : 'Show the inner layers'}
            onClick={(e) => {
              e.stopPropagation();
              editorActions.setExpanded(node.id, !node.expanded, def ? innerListHeight(def, node.params) : 0);
            }}
          >
            {node.expanded ? '▾' : '▸'}
          </button>
        )}
        {expandable && (
          <button
            type="button"
            className="layer-open nodrag"
            data-testid="open-block"
            aria-label={`Open ${node.label ?? node.id} as a graph`}
            title="Open the block as a graph (or double-click it)"
            onClick={(e) => {
              e.stopPropagation();
              useUi.getState().openBlock(node.id);
            }}
          >
            Open
          </button>
        )}
      </div>
      <div className="layer-params" data-testid="node-params">
        {summarizeNode(node) || '\u00a0'}
      </div>
      <div className="layer-foot">
        <span className="layer-shape" data-testid="node-shape">
          {formatShape(info?.outputShape)}
        </span>
        <span
          className="layer-count"
          title={`${formatCount(total)} parameters`}
          data-testid="node-param-count"
        >
          {total > 0 ? formatCompact(total) : ''}
        </span>
      </div>
      <HealthChip paint={paint} testId="node-health" />
      {diff && (
        <div className={`layer-diff ${diff.kind}`} data-testid="node-diff">
          <span className={`diff-badge ${diff.kind}`}>{diff.kind === 'added' ? 'new' : 'changed'}</span>
          {diff.detail && <span className="layer-diff-detail">{diff.detail}</span>}
        </div>
      )}
      {inner.length > 0 && (
        <ol className="inner-layers" data-testid="node-inner">
          {inner.map((layer) => (
            <li key={layer.id} data-testid={`inner-${layer.id}`}>
              <span className="inner-name">{layer.label}</span>
              <span className="inner-summary">{layer.summary}</span>
              <span className="inner-shape">{formatShape(layer.shape)}</span>
            </li>
          ))}
        </ol>
      )}
      {error && (
        <div className="layer-error" data-testid="node-error">
          {error.message}
          {!error.incomplete && <NodeFixes nodeId={node.id} />}
        </div>
      )}
      {def?.outputs.map((port) => (
        <Handle
          key={port.name}
          type="source"
          id={port.name}
          position={vertical ? Position.Bottom : Position.Right}
          className="handle"
          data-testid={`handle-out-${port.name}`}
        />
      ))}
    </div>
  );
}

/** Re-render only when what the node shows changes, not when it merely moves. */
function sameFace(a: NodeProps<LayerFlowNode>, b: NodeProps<LayerFlowNode>): boolean {
  const x = a.data;
  const y = b.data;
  return (
    a.selected === b.selected &&
    x.vertical === y.vertical &&
    x.error?.message === y.error?.message &&
    x.node.type === y.node.type &&
    x.node.params === y.node.params &&
    x.node.label === y.node.label &&
    x.node.bypassed === y.node.bypassed &&
    x.node.trainable === y.node.trainable &&
    x.node.expanded === y.node.expanded &&
    sameMark(x.diff, y.diff) &&
    formatShape(x.info?.outputShape) === formatShape(y.info?.outputShape) &&
    formatShape(x.info?.inputShapes[0]) === formatShape(y.info?.inputShapes[0]) &&
    x.info?.params.trainable === y.info?.params.trainable &&
    x.info?.params.nonTrainable === y.info?.params.nonTrainable
  );
}

export const LayerNode = memo(LayerNodeView, sameFace);
