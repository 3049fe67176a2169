/**
 * The canvas: React Flow showing the document. Positions live in React Flow while a node
 * is dragged and reach the store once, when the drag ends (one undo step, no re-analysis).
 * Links are checked by the store, and a refused link says why in a toast.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type MouseEvent,
} from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import type { XY } from '../../../engine/graph/document';
import { editorActions, editorStore, useEditor } from '../store/editor-store';
import { useUi } from '../ui/ui-store';
import { LayerNode } from './LayerNode';
import { ShapeEdge, type ShapeFlowEdge } from './ShapeEdge';
import { buildFlowEdges, buildFlowNodes, type EditorFlowNode } from './flow-model';
import { GroupFrame, GROUP_PREFIX, type GroupFlowNode } from './GroupFrame';
import { edgeUnderPoint } from './edge-hit';
import { PALETTE_MIME } from '../palette/Palette';
import { getNodeType } from '../../../engine/nodes/registry';
import { BlockCanvas } from './BlockCanvas';
import { readableFit } from './fit';
import { canvasDiff } from './diff-marks';
import { RemovedNode } from './RemovedNode';
import { DiffLegend } from './DiffLegend';
import { HealthOverlay } from './HealthOverlay';

const nodeTypes = { layer: LayerNode, groupFrame: GroupFrame, removed: RemovedNode };
const edgeTypes = { shape: ShapeEdge };
export const GRID: [number, number] = [16, 16];
export { FIT_OPTIONS } from './fit';
/** Roughly half a collapsed node, so a dropped node lands centred on the pointer. */
const DROP_OFFSET: XY = { x: 80, y: 36 };

function toRequest(c: Connection) {
  return {
    source: c.source,
    sourcePort: c.sourceHandle ?? 'out',
    target: c.target,
    targetPort: c.targetHandle ?? 'in',
  };
}

export function Canvas({ snap }: { snap: boolean }) {
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const selection = useEditor((s) => s.selection);
  const fitRequest = useEditor((s) => s.fitRequest);
  const toast = useUi((s) => s.toast);
  const openAddMenu = useUi((s) => s.openAddMenu);
  const flow = useReactFlow<EditorFlowNode, ShapeFlowEdge>();
  const [nodes, setNodes] = useState<EditorFlowNode[]>([]);
  const [edges, setEdges] = useState<ShapeFlowEdge[]>([]);
  const reconnecting = useRef<string | null>(null);
  const diffBase = useUi((s) => s.diffBase);
  const diff = useMemo(() => (diffBase ? canvasDiff(diffBase.graph, doc) : null), [diffBase, doc]);
  const diffRef = useRef(diff);

  useLayoutEffect(() => {
    diffRef.current = diff;
    setNodes((previous) => buildFlowNodes(doc, analysis, selection, previous, diff));
    setEdges(buildFlowEdges(doc, analysis, selection));
  }, [doc, analysis, selection, diff]);

  useEffect(() => {
    if (fitRequest === 0) return;
    // Wait a frame or two so freshly added nodes are measured before fitting.
    const timer = setTimeout(() => readableFit(flow, document.querySelector('.canvas')), 80);
    return () => clearTimeout(timer);
  }, [fitRequest, flow]);

  const onNodesChange = useCallback((changes: NodeChange<EditorFlowNode>[]) => {
    // Removal goes through the store (undoable); everything else is view state here.
    setNodes((current) => {
      const next = applyNodeChanges(
        [...changes.filter((c) => c.type !== 'remove'), ...frameFollowers(changes, current)],
        current,
      );
      // Frames wrap their layers' measured sizes, so re-fit them once sizes are known.
      if (!changes.some((c) => c.type === 'dimensions') || !next.some((n) => n.type === 'groupFrame'))
        return next;
      const { doc, analysis, selection } = editorStore.getState();
      return buildFlowNodes(doc, analysis, selection, next, diffRef.current);
    });
  }, []);

  const onEdgesChange = useCallback((_changes: EdgeChange<ShapeFlowEdge>[]) => {
    // Edge selection arrives through onSelectionChange; removal through the store.
  }, []);

  const onSelectionChange = useCallback(({ nodes: n, edges: e }: OnSelectionChangeParams) => {
    const { selection: current } = editorStore.getState();
    const nodesIds = n.map((x) => x.id).filter((id) => !id.startsWith(GROUP_PREFIX));
    const edgeIds = e.map((x) => x.id);
    if (sameIds(current.nodes, nodesIds) && sameIds(current.edges, edgeIds)) return;
    editorActions.select({ nodes: nodesIds, edges: edgeIds });
  }, []);

  const onNodeDragStop = useCallback(
    (_event: globalThis.MouseEvent | TouchEvent, node: EditorFlowNode, dragged: EditorFlowNode[]) => {
      const moved = dragged.length ? dragged : [node];
      // A dragged frame carried its layers along (frameFollowers); they are what moved.
      const memberIds = new Set(moved.flatMap((n) => (n.type === 'groupFrame' ? n.data.group.nodeIds : [])));
      const layers = flow
        .getNodes()
        .filter((n) => n.type === 'layer' && (memberIds.has(n.id) || moved.some((m) => m.id === n.id)));
      editorActions.placeNodes(new Map(layers.map((n) => [n.id, n.position])));
      if (moved.length !== 1 || node.type !== 'layer') return;
      const internal = flow.getInternalNode(node.id);
      if (!internal) return;
      const w = internal.measured.width ?? 0;
      const h = internal.measured.height ?? 0;
      const center = {
        x: internal.internals.positionAbsolute.x + w / 2,
        y: internal.internals.positionAbsolute.y + h / 2,
      };
      const edge = edgeUnderPoint(editorStore.getState().doc, center, node.id, (id) =>
        flow.getInternalNode(id),
      );
      if (edge && editorActions.insertOnEdge(node.id, edge)) toast('Inserted into the link.');
    },
    [flow, toast],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const problem = editorActions.connect(toRequest(connection));
      if (problem) toast(problem, 'error');
    },
    [toast],
  );

  const onConnectEnd = useCallback(
    (event: globalThis.MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || state.toNode || !state.fromNode || !state.fromHandle?.id) return;
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      const screen = { x: point.clientX, y: point.clientY };
      const position = flow.screenToFlowPosition(screen);
      openAddMenu({
        screen,
        position: {
          x: position.x - (state.fromHandle.type === 'target' ? 2 * DROP_OFFSET.x : 0),
          y: position.y - DROP_OFFSET.y,
        },
        from: { nodeId: state.fromNode.id, port: state.fromHandle.id, side: state.fromHandle.type },
      });
    },
    [flow, openAddMenu],
  );

  const onReconnectStart = useCallback((_e: MouseEvent, edge: ShapeFlowEdge) => {
    reconnecting.current = edge.id;
  }, []);
  const onReconnect = useCallback(
    (old: ShapeFlowEdge, connection: Connection) => {
      reconnecting.current = null;
      const problem = editorActions.reconnect(old.id, toRequest(connection));
      if (problem) toast(problem, 'error');
    },
    [toast],
  );
  const onReconnectEnd = useCallback(() => {
    // A link end dropped on empty canvas removes the link, as in most node editors.
    if (reconnecting.current) editorActions.deleteItems([], [reconnecting.current]);
    reconnecting.current = null;
  }, []);

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type) return;
      event.preventDefault();
      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const id = editorActions.addNode(type, { x: point.x - DROP_OFFSET.x, y: point.y - DROP_OFFSET.y });
      const edge = edgeUnderPoint(editorStore.getState().doc, point, id, (nid) => flow.getInternalNode(nid));
      if (edge && editorActions.insertOnEdge(id, edge)) toast('Inserted into the link.');
    },
    [flow, toast],
  );

  const onDoubleClick = useCallback(
    (event: MouseEvent) => {
      if (!(event.target as HTMLElement).classList.contains('react-flow__pane')) return;
      const screen = { x: event.clientX, y: event.clientY };
      const position = flow.screenToFlowPosition(screen);
      openAddMenu({ screen, position: { x: position.x - DROP_OFFSET.x, y: position.y - DROP_OFFSET.y } });
    },
    [flow, openAddMenu],
  );

  const onNodeDoubleClick = useCallback((_event: MouseEvent, node: EditorFlowNode) => {
    // Double-clicking a block opens it, as entering a group does in node editors.
    if (node.type === 'layer' && getNodeType(node.data.node.type)?.expand)
      useUi.getState().openBlock(node.id);
  }, []);

  const empty = doc.nodes.length === 0;
  return (
    <>
      <div
        className="canvas"
        onDragOver={onDragOver}
        onDrop={onDrop}
        onDoubleClick={onDoubleClick}
        data-testid="canvas"
      >
        <ReactFlow<EditorFlowNode, ShapeFlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onSelectionChange={onSelectionChange}
          onNodeDragStop={onNodeDragStop}
          onNodeDoubleClick={onNodeDoubleClick}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          onReconnectStart={onReconnectStart}
          onReconnect={onReconnect}
          onReconnectEnd={onReconnectEnd}
          edgesReconnectable
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={['Control', 'Meta', 'Shift']}
          zoomOnDoubleClick={false}
          snapToGrid={snap}
          snapGrid={GRID}
          minZoom={0.05}
          maxZoom={2.5}
          onlyRenderVisibleElements
          proOptions={{ hideAttribution: true }}
          defaultViewport={{ x: 40, y: 40, zoom: 1 }}
        >
          <Background variant={BackgroundVariant.Dots} gap={GRID[0]} size={1.2} color="#c9ced6" />
          <MiniMap pannable zoomable nodeStrokeWidth={3} nodeColor={minimapColor} className="minimap" />
          <Controls showInteractive={false} position="bottom-left" />
        </ReactFlow>
        {diffBase && <DiffLegend base={diffBase} />}
        <HealthOverlay />
        {empty && (
          <div className="canvas-empty">
            <h2>Start a model</h2>
            <p>
              Drag a layer from the palette, double-click the canvas (or press <kbd>/</kbd>) to search, or
              load a preset from the book.
            </p>
          </div>
        )}
      </div>
      <BlockCanvas />
    </>
  );
}

/** Position changes that move a frame's layers along with the frame being dragged. */
function frameFollowers(
  changes: NodeChange<EditorFlowNode>[],
  current: EditorFlowNode[],
): NodeChange<EditorFlowNode>[] {
  const extra: NodeChange<EditorFlowNode>[] = [];
  for (const change of changes) {
    if (change.type !== 'position' || !change.position || !change.id.startsWith(GROUP_PREFIX)) continue;
    const frame = current.find((n) => n.id === change.id) as GroupFlowNode | undefined;
    if (!frame) continue;
    const dx = change.position.x - frame.position.x;
    const dy = change.position.y - frame.position.y;
    for (const id of frame.data.group.nodeIds) {
      const member = current.find((n) => n.id === id);
      if (member)
        extra.push({
          type: 'position',
          id,
          position: { x: member.position.x + dx, y: member.position.y + dy },
        });
    }
  }
  return extra;
}

function minimapColor(node: EditorFlowNode): string {
  if (node.type === 'groupFrame') return 'rgba(47, 107, 255, 0.12)';
  if (node.type === 'removed') return 'rgba(217, 45, 32, 0.25)';
  if (node.data.error) return node.data.error.incomplete ? '#f5b041' : '#e5484d';
  return '#8b95a5';
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
