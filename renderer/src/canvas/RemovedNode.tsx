/** The ghost of a layer the compared run had and the graph no longer has, where it sat. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { getNodeType } from '../../../engine/nodes/registry';
import type { RemovedFlowNode } from './diff-marks';
import { summarizeNode } from './LayerNode';

function RemovedNodeView({ data }: NodeProps<RemovedFlowNode>) {
  const { node } = data;
  const def = getNodeType(node.type);
  return (
    <div className="layer-node removed-node" data-testid={`node-removed-${node.id}`} data-diff="removed">
      <div className="layer-head">
        <span className="layer-title">{node.label ?? def?.label ?? node.type}</span>
        <span className="diff-badge removed">removed</span>
      </div>
      <div className="layer-params">
        {node.id} · {summarizeNode(node) || node.type}
      </div>
    </div>
  );
}

export const RemovedNode = memo(RemovedNodeView);
