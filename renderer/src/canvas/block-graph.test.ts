import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../engine/graph/analyze';
import type { GraphNode } from '../../../engine/graph/document';
import { getPreset } from '../../../engine/presets';
import { BLOCK_INPUT_ID, blockInside, buildInsideFlow } from './block-graph';

function presetBlock(presetId: string, nodeId: string) {
  const doc = getPreset(presetId);
  const analysis = analyzeGraph(doc);
  const node = doc.nodes.find((n) => n.id === nodeId)!;
  return { node, outer: analysis.nodes[nodeId] };
}

const incoming = (edges: { source: string; target: string }[], target: string) =>
  edges.filter((e) => e.target === target).map((e) => e.source);
const outgoing = (edges: { source: string; target: string }[], source: string) =>
  edges.filter((e) => e.source === source).map((e) => e.target);

describe('blockInside', () => {
  it("opens GoogLeNet's first Inception as four branches concatenated in the book's order", () => {
    const { node, outer } = presetBlock('googlenet', 'inception1');
    const inside = blockInside(node, outer.inputShapes[0], 'TB')!;
    const { nodes, edges } = buildInsideFlow(inside, new Map());
    expect(outgoing(edges, BLOCK_INPUT_ID)).toEqual(['p1_conv', 'p2_reduce', 'p3_reduce', 'p4_pool']);
    expect(incoming(edges, 'concat')).toEqual(['p1_conv', 'p2_conv', 'p3_conv', 'p4_conv']);
    // Every link carries the shape its source outputs; the concat stacks 64+128+32+32 channels.
    const label = (source: string) => edges.find((e) => e.source === source)!.data!.shape;
    expect(label(BLOCK_INPUT_ID)).toBe('12×12×192');
    expect(label('p2_reduce')).toBe('12×12×96');
    expect(label('p3_conv')).toBe('12×12×32');
    expect(inside.analysis!.nodes.concat.outputShape).toEqual(outer.outputShape);
    expect(nodes.find((n) => n.id === 'concat')!.data.role).toBe('output');
    expect(nodes.find((n) => n.id === BLOCK_INPUT_ID)!.data.role).toBe('input');
  });

  it('sums to the parameters and multiply-adds the block reports on the main canvas', () => {
    for (const [preset, id] of [
      ['googlenet', 'inception5'],
      ['resnet18', 'residual3'],
      ['densenet', 'denseblock2'],
      ['densenet', 'transition1'],
    ] as const) {
      const { node, outer } = presetBlock(preset, id);
      const inside = blockInside(node, outer.inputShapes[0], 'LR')!;
      const inner = Object.values(inside.analysis!.nodes);
      expect(
        inner.reduce((sum, n) => sum + n.params.trainable, 0),
        `${preset} ${id}`,
      ).toBe(outer.params.trainable);
      expect(inner.reduce((sum, n) => sum + n.params.nonTrainable, 0)).toBe(outer.params.nonTrainable);
      expect(inner.reduce((sum, n) => sum + n.macs, 0)).toBe(outer.macs);
    }
  });

  it("shows a downsampling Residual's 1×1 shortcut beside the two convolutions, meeting at the add", () => {
    const { node, outer } = presetBlock('resnet18', 'residual3');
    expect(node.params.use1x1).toBe(true);
    const inside = blockInside(node, outer.inputShapes[0], 'TB')!;
    const { edges } = buildInsideFlow(inside, new Map());
    expect(outgoing(edges, BLOCK_INPUT_ID)).toEqual(['conv1', 'shortcut']);
    expect(incoming(edges, 'add')).toEqual(['bn2', 'shortcut']);
    expect(edges.find((e) => e.source === 'shortcut')!.data!.shape).toBe('12×12×128');
    expect(inside.outputId).toBe('relu2');
  });

  it('without a 1×1 shortcut the input itself is the second input of the add', () => {
    const { node, outer } = presetBlock('resnet18', 'residual1');
    const { edges } = buildInsideFlow(blockInside(node, outer.inputShapes[0], 'TB')!, new Map());
    expect(incoming(edges, 'add')).toEqual(['bn2', BLOCK_INPUT_ID]);
  });

  it('marks the inner layer that fails, with the engine message, when the block params do not fit', () => {
    const { node, outer } = presetBlock('resnet18', 'residual3');
    const broken: GraphNode = { ...node, params: { ...node.params, use1x1: false } };
    const { nodes, edges } = buildInsideFlow(blockInside(broken, outer.inputShapes[0], 'TB')!, new Map());
    expect(nodes.find((n) => n.id === 'add')!.data.error).toMatch(/shape/i);
    expect(edges.filter((e) => e.data!.invalid).map((e) => e.target)).toEqual(['add', 'add']);
  });

  it('shows the structure without shapes while the block is not wired', () => {
    const { node } = presetBlock('resnet18', 'residual1');
    const inside = blockInside(node, null, 'TB')!;
    expect(inside.analysis).toBeNull();
    const { nodes, edges } = buildInsideFlow(inside, new Map([['conv1', { x: 5, y: 7 }]]));
    expect(nodes.map((n) => n.id)).toContain('relu2');
    expect(nodes.find((n) => n.id === 'conv1')!.position).toEqual({ x: 5, y: 7 });
    expect(edges.every((e) => e.data!.shape === '?')).toBe(true);
  });

  it('is null for a layer that is not a block', () => {
    const { node, outer } = presetBlock('resnet18', 'conv1');
    expect(blockInside(node, outer.inputShapes[0], 'TB')).toBeNull();
  });
});
