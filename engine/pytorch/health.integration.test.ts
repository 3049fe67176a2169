/**
 * Training health from a real PyTorch run (Debian's python3-torch): the runner's hooks report
 * the same figures per graph node as a tfjs run, including a block's inner layers. Fails
 * (never skips) when torch is missing, as the other PyTorch integration tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GraphDocument } from '../graph/document';
import type { HealthEvent, RunEvent } from '../protocol/api';
import { healthSampleSchema } from '../protocol/layer-health';
import { chainGraph, quickTraining, tinyCnn } from '../train/test-support';
import { torchUnavailable } from './choice';
import { pytorchLauncher } from './launcher';
import { probeTorch } from './probe';
import { runWithLauncher } from './run-job';

let dataDir: string;

vi.setConfig({ testTimeout: 240_000 });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cnn-studio-pytorch-health-'));
  const problem = torchUnavailable(await probeTorch());
  if (problem)
    throw new Error(`these tests need PyTorch ≥ 1.13 (npm test installs python3-torch): ${problem}`);
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function healthOf(runId: string, graph: GraphDocument, processes = 1): Promise<HealthEvent[]> {
  const events: RunEvent[] = [];
  const run = runWithLauncher(
    pytorchLauncher({ processes }),
    {
      job: { runId, graph, training: graph.training, limit: 256, batchEventIntervalMs: 0 },
      dataDir,
    },
    { emit: (event) => events.push(event) },
  );
  expect(await run.outcome).toMatchObject({ status: 'done' });
  return events.filter((event): event is HealthEvent => event.kind === 'health');
}

describe('PyTorch training health', () => {
  it('reports every node of a Sequential net from the second batch to the last', async () => {
    const graph = tinyCnn({ batchNorm: true });
    graph.training = quickTraining({ epochs: 1, batchSize: 32 });
    const health = await healthOf('health-chain', graph);
    expect(health[0]).toMatchObject({ epoch: 1, batch: 2, step: 2 });
    expect(health.at(-1)).toMatchObject({ epoch: 1, batch: 8, step: 8 });
    for (const event of health) expect(healthSampleSchema.safeParse(event).success).toBe(true);
    const layers = new Map(health[0].layers.map((layer) => [layer.nodeId, layer]));
    expect([...layers.keys()].sort()).toEqual(['act', 'bn', 'conv', 'flat', 'out', 'pool']);
    const conv = layers.get('conv')!;
    expect(conv.gradNorm).toBeGreaterThan(0);
    expect(conv.updateRatio).toBeGreaterThan(0);
    expect(conv.timeMs).toBeGreaterThan(0);
    // After batch norm and a ReLU, some but not all values are zero.
    expect(layers.get('act')!.zeroShare).toBeGreaterThan(0);
    expect(layers.get('act')!.zeroShare).toBeLessThan(1);
    expect(layers.get('act')!.gradNorm).toBeNull();
    // Batch norm normalizes: its output has a mean near 0 and a std near 1 (gamma 1, beta 0 at the start).
    expect(Math.abs(layers.get('bn')!.activationMean!)).toBeLessThan(0.2);
  });

  it('reports a block and the inner layers that hold weights', async () => {
    const graph = chainGraph('residual', [
      { id: 'input', type: 'input', params: { height: 28, width: 28, channels: 1 } },
      { id: 'stem', type: 'conv2d', params: { filters: 4, kernelSize: 3, strides: 2 } },
      { id: 'res', type: 'residual', params: { filters: 4 } },
      { id: 'flat', type: 'flatten', params: {} },
      { id: 'out', type: 'dense', params: { units: 10, activation: 'none' } },
    ]);
    graph.training = quickTraining({ epochs: 1, batchSize: 64 });
    const [first] = await healthOf('health-block', graph);
    const block = first.layers.find((layer) => layer.nodeId === 'res' && layer.innerId === undefined)!;
    expect(block.gradNorm).toBeGreaterThan(0);
    expect(block.zeroShare).toBeGreaterThan(0); // the block ends in a ReLU
    const inner = first.layers.filter((layer) => layer.nodeId === 'res' && layer.innerId !== undefined);
    expect(inner.map((layer) => layer.innerId)).toEqual(
      expect.arrayContaining(['conv1', 'bn1', 'conv2', 'bn2']),
    );
    expect(block.gradNorm).toBeCloseTo(Math.hypot(...inner.map((layer) => layer.gradNorm ?? 0)), 5);
  });

  it('reports rank 0’s batch in a two-process (DDP) run, which still ends done', async () => {
    const graph = tinyCnn({ batchNorm: true });
    graph.training = quickTraining({ epochs: 1, batchSize: 32 });
    const health = await healthOf('health-ddp', graph, 2);
    expect(health.length).toBeGreaterThanOrEqual(2);
    expect(health[0].layers.find((layer) => layer.nodeId === 'conv')?.gradNorm).toBeGreaterThan(0);
  });
});
