/**
 * A layer inside an opened block: its name and key params, the shape it outputs, its
 * parameter count and multiply-adds, and the engine's message when it is the layer that
 * fails. Read-only — a built-in block's inside follows from the block's own params.
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { formatCompact, formatCount, formatShape } from '../../../engine/graph/format';
import { getNodeType } from '../../../engine/nodes/registry';
import type { InnerFlowNode } from './block-graph';
import { summarizeNode } from './LayerNode';
import { HealthChip, healthStyle, useHealthPaint } from './HealthChip';
import { layerKey } from './health-store';
import { useUi } from '../ui/ui-store';

const ROLE_BADGE = { input: 'in', output: 'out', layer: null } as const;

function InnerNodeView({ data }: NodeProps<InnerFlowNode>) {
  const { node, info, role, error, vertical } = data;
  const def = getNodeType(node.type);
  const blockId = useUi((s) => s.openBlockId);
  const paint = useHealthPaint(blockId ? layerKey(blockId, node.id) : '');
  const params = info ? info.params.trainable + info.params.nonTrainable : 0;
  const macs = info?.macs ?? 0;
  const classes = [
    'layer-node',
    'inner-node',
    `cat-${(def?.category ?? 'unknown').toLowerCase()}`,
    `role-${role}`,
  ];
  if (error) classes.push('invalid');
  if (paint.colour) classes.push('health-painted');
  const multiInput = Boolean(def?.inputs[0]?.multiple);
  return (
    <div
      className={classes.join(' ')}
      style={healthStyle(paint)}
      data-testid={`inner-node-${node.id}`}
      data-health={paint.colour}
      data-invalid={error ? 'true' : undefined}
      title={def?.doc}
    >
      {role !== 'input' && (
        <Handle
          type="target"
          id="in"
          position={vertical ? Position.Top : Position.Left}
          className={multiInput ? 'handle multi' : 'handle'}
          isConnectable={false}
        />
      )}
      <div className="layer-head">
        <span className="layer-title">{node.label ?? def?.label ?? node.type}</span>
        {ROLE_BADGE[role] && <span className="layer-badge">{ROLE_BADGE[role]}</span>}
      </div>
      {/* The block input's params are its shape, which the foot shows already. */}
      {role !== 'input' && (
        <div className="layer-params" data-testid="inner-params">
          {summarizeNode(node) || '\u00a0'}
        </div>
      )}
      <div className="layer-foot">
        <span className="layer-shape" data-testid="inner-shape">
          {formatShape(info?.outputShape)}
        </span>
        {params > 0 && (
          <span
            className="layer-count"
            title={`${formatCount(params)} parameters`}
            data-testid="inner-param-count"
          >
            {formatCompact(params)} params
          </span>
        )}
        {macs > 0 && (
          <span
            className="layer-count"
            title={`${formatCount(macs)} multiply-adds per example`}
            data-testid="inner-macs"
          >
            {formatCompact(macs)} MACs
          </span>
        )}
      </div>
      <HealthChip paint={paint} testId="inner-health" />
      {error && (
        <div className="layer-error" data-testid="inner-error">
          {error}
        </div>
      )}
      {role !== 'output' && (
        <Handle
          type="source"
          id="out"
          position={vertical ? Position.Bottom : Position.Right}
          className="handle"
          isConnectable={false}
        />
      )}
    </div>
  );
}

export const InnerNode = memo(InnerNodeView);
