/**
 * A visual group on the canvas: a named frame behind its layers (drag the frame to move
 * them together), or, collapsed, one compact box standing in for them with the links
 * that enter and leave the group.
 */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { EditorGroup } from '../store/groups';
import { editorActions } from '../store/editor-store';

export interface GroupNodeData extends Record<string, unknown> {
  group: EditorGroup;
  /** The formatted shape leaving the group. */
  shape: string;
  vertical: boolean;
}

export type GroupFlowNode = Node<GroupNodeData, 'groupFrame'>;

/** Flow-node ids of frames, kept apart from layer ids. */
export const GROUP_PREFIX = 'group:';

function GroupFrameView({ data }: NodeProps<GroupFlowNode>) {
  const { group, shape, vertical } = data;
  const collapsed = Boolean(group.collapsed);
  const header = (
    <div className="group-head">
      <button
        type="button"
        className="layer-expand nodrag"
        data-testid="group-toggle"
        title={collapsed ? 'Show the layers of this group' : 'Collapse the group into one box'}
        onClick={() => editorActions.setGroupCollapsed(group.id, !collapsed)}
      >
        {collapsed ? '▸' : '▾'}
      </button>
      <span className="group-title">{group.label}</span>
      <span className="muted">{group.nodeIds.length} layers</span>
      <button
        type="button"
        className="layer-expand nodrag"
        data-testid="group-ungroup"
        title="Ungroup (Ctrl+Shift+G)"
        onClick={() => editorActions.ungroup(group.id)}
      >
        ×
      </button>
    </div>
  );
  if (!collapsed)
    return (
      <div className="group-frame" data-testid={`group-${group.id}`}>
        {header}
      </div>
    );
  return (
    <div className="group-box" data-testid={`group-${group.id}`} data-collapsed="true">
      <Handle
        type="target"
        id="in"
        position={vertical ? Position.Top : Position.Left}
        className="handle"
        isConnectable={false}
      />
      {header}
      <div className="layer-foot">
        <span className="layer-shape" data-testid="node-shape">
          {shape}
        </span>
      </div>
      <Handle
        type="source"
        id="out"
        position={vertical ? Position.Bottom : Position.Right}
        className="handle"
        isConnectable={false}
      />
    </div>
  );
}

export const GroupFrame = memo(GroupFrameView);
