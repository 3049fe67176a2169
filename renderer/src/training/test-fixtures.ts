/** Run events shared by the training UI's tests: a synthetic dataset on the cpu backend. */
import type { RunEvent } from '../../../engine/protocol/api';

export const testBackend = { name: 'cpu', device: 'CPU', skipped: [], patchedKernels: [] };

export const testDataset = {
  id: 'synthetic',
  name: 'Synthetic',
  source: 'builtin' as const,
  trainSize: 40,
  testSize: 10,
  imageShape: [28, 28, 1],
  classNames: ['a', 'b'],
};

/** The `started` event of run `runId` with `epochs` epochs of `perEpoch` batches. */
export function startedEvent(runId: string, epochs: number, perEpoch: number): RunEvent {
  return {
    kind: 'started',
    runId,
    backend: testBackend,
    dataset: testDataset,
    totalBatches: perEpoch * epochs,
    epochs,
    summary: { trainable: 1, nonTrainable: 0, macs: 1, activationBytes: 4 },
  };
}
