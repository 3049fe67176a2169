/**
 * An opened block: its inside drawn as a graph over the canvas — branches, shortcut and
 * concatenation, a shape on every link — laid out by the same elkjs layout as the model,
 * with a breadcrumb back to the model (also Escape).
 *
 * Read-only on purpose: a built-in block's inside follows from the block's params, which
 * the inspector edits (the block stays selected, and this view follows every edit).
 * It closes by itself when the block goes away (deleted, undone, another model loaded).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  useNodesInitialized,
  useReactFlow,
  type NodeChange,
} from '@xyflow/react';
import type { GraphNode, Shape, XY } from '../../../engine/graph/document';
import { formatCompact, formatCount, formatShape } from '../../../engine/graph/format';
import type { NodeAnalysis } from '../../../engine/graph/types';
import { getNodeType } from '../../../engine/nodes/registry';
import { useEditor } from '../store/editor-store';
import { isTyping } from '../shortcuts';
import { useUi } from '../ui/ui-store';
import { blockInside, buildInsideFlow, type BlockInside, type InnerFlowNode } from './block-graph';
import { InnerNode } from './InnerNode';
import { tidyLayout } from './layout';
import { readableFit } from './fit';
import { ShapeEdge } from './ShapeEdge';
import './block-canvas.css';
import { HealthOverlay } from './HealthOverlay';

const nodeTypes = { inner: InnerNode };
const edgeTypes = { shape: ShapeEdge };

/** The opened block, if any, over the model's canvas. */
export function BlockCanvas() {
  const openBlockId = useUi((s) => s.openBlockId);
  const openBlock = useUi((s) => s.openBlock);
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const block = openBlockId ? doc.nodes.find((n) => n.id === openBlockId) : undefined;
  const inside = useMemo(
    () =>
      block
        ? blockInside(block, analysis.nodes[block.id]?.inputShapes[0] ?? null, doc.layout.direction)
        : null,
    // Rebuilt when the block or the shape arriving at it changes, not on every analysis.
    [block, shapeKey(analysis.nodes[openBlockId ?? '']?.inputShapes[0]), doc.layout.direction],
  );

  useEffect(() => {
    if (openBlockId && !inside) openBlock(null);
  }, [openBlockId, inside, openBlock]);

  useEffect(() => {
    if (!openBlockId) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || useUi.getState().dialog || isTyping(e.target)) return;
      openBlock(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openBlockId, openBlock]);

  if (!block || !inside) return null;
  return (
    <section
      className="block-canvas"
      aria-label={`Inside ${block.label ?? block.id}`}
      data-testid="block-canvas"
    >
      <BlockHeader
        modelName={doc.name}
        block={block}
        info={analysis.nodes[block.id]}
        onBack={() => openBlock(null)}
      />
      {/* Its own React Flow store: the model's viewport and selection stay as they were. */}
      <ReactFlowProvider>
        <InsideFlow inside={inside} />
      </ReactFlowProvider>
    </section>
  );
}

function BlockHeader({
  modelName,
  block,
  info,
  onBack,
}: {
  modelName: string;
  block: GraphNode;
  info: NodeAnalysis | undefined;
  onBack(): void;
}) {
  const typeLabel = getNodeType(block.type)?.label ?? block.type;
  const params = info ? info.params.trainable + info.params.nonTrainable : 0;
  return (
    <header className="block-header">
      <nav aria-label="Breadcrumb" data-testid="block-breadcrumb">
        <ol>
          <li>
            <button
              type="button"
              onClick={onBack}
              title="Back to the model (Esc)"
              data-testid="block-breadcrumb-model"
            >
              {modelName}
            </button>
          </li>
          <li aria-current="page">
            <strong>{block.label ?? block.id}</strong> ({typeLabel})
          </li>
        </ol>
      </nav>
      {info?.outputShape && (
        <p className="block-totals" data-testid="block-totals">
          {formatShape(info.inputShapes[0])} → {formatShape(info.outputShape)} · {formatCount(params)} params
          · {formatCompact(info.macs)} MACs
        </p>
      )}
      <p
        className="block-note"
        title="The inside follows from the block's params: edit them in the inspector."
      >
        Read-only view
      </p>
    </header>
  );
}

/** The inside as React Flow nodes, laid out once their sizes are measured. */
function InsideFlow({ inside }: { inside: BlockInside }) {
  const flow = useReactFlow<InnerFlowNode>();
  const paneRef = useRef<HTMLDivElement>(null);
  const measured = useNodesInitialized();
  const [positions, setPositions] = useState<{ for: BlockInside; at: Map<string, XY> } | null>(null);
  const laidOut = positions?.for === inside;
  const flowModel = useMemo(
    () => buildInsideFlow(inside, laidOut ? positions.at : new Map()),
    [inside, laidOut, positions],
  );
  const [nodes, setNodes] = useState<InnerFlowNode[]>(flowModel.nodes);

  useEffect(() => {
    // Keep what React Flow measured so a relayout does not flash unmeasured nodes.
    setNodes((current) => {
      const before = new Map(current.map((n) => [n.id, n]));
      return flowModel.nodes.map((n) => ({ ...n, measured: before.get(n.id)?.measured }));
    });
  }, [flowModel]);

  useEffect(() => {
    if (!measured || laidOut) return;
    let cancelled = false;
    const sizeOf = (id: string) => {
      const size = flow.getInternalNode(id)?.measured;
      return size?.width && size.height ? { width: size.width, height: size.height } : undefined;
    };
    void tidyLayout(inside.doc, sizeOf).then((at) => {
      if (cancelled) return;
      setPositions({ for: inside, at });
      setTimeout(() => readableFit(flow, paneRef.current), 30);
    });
    return () => {
      cancelled = true;
    };
  }, [measured, laidOut, inside, flow]);

  const onNodesChange = useCallback((changes: NodeChange<InnerFlowNode>[]) => {
    setNodes((current) => applyNodeChanges(changes, current));
  }, []);

  return (
    <div ref={paneRef} className={laidOut ? 'block-flow' : 'block-flow laying-out'}>
      <ReactFlow<InnerFlowNode>
        nodes={nodes}
        edges={flowModel.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesReconnectable={false}
        deleteKeyCode={null}
        zoomOnDoubleClick={false}
        minZoom={0.1}
        maxZoom={2.5}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#c9ced6" />
        <Controls showInteractive={false} position="bottom-left" />
      </ReactFlow>
      {/* The same control and legend as on the model's canvas: inner layers are painted too. */}
      <HealthOverlay corner="right" />
    </div>
  );
}

function shapeKey(shape: Shape | undefined): string {
  return shape ? shape.join('x') : '';
}
