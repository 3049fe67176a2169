/** A link labelled with the tensor shape it carries. */
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';

export interface ShapeEdgeData extends Record<string, unknown> {
  /** The formatted shape, e.g. `28×28×6`, or `?`. */
  shape: string;
  /** The link feeds a node that reports an error. */
  invalid: boolean;
}

export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

function ShapeEdgeView(props: EdgeProps<ShapeFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  const classes = ['edge-label', 'nodrag', 'nopan'];
  if (props.selected) classes.push('selected');
  if (props.data?.invalid) classes.push('invalid');
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} interactionWidth={24} />
      {props.data && (
        <EdgeLabelRenderer>
          <div
            className={classes.join(' ')}
            data-testid={`edge-shape-${props.id}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {props.data.shape}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
