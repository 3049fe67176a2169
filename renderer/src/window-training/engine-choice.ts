/**
 * Where the next run trains: the panel's `train-engine` choice. `webgpu` and `webgl` train
 * in this window's worker; the others in the engine (`auto` lets it choose). Like the
 * image limit, it belongs to a run, not to the model, so it is remembered per browser.
 */
import { create } from 'zustand';
import type { WindowBackendName } from './adapter-choice';

export type TrainEngine = 'auto' | 'tfjs' | 'pytorch' | WindowBackendName;

/** The select's options, in order, with their labels. */
export const TRAIN_ENGINES: ReadonlyArray<readonly [TrainEngine, string]> = [
  ['auto', 'Auto'],
  ['tfjs', 'TensorFlow.js (engine)'],
  ['pytorch', 'PyTorch (engine)'],
  ['webgpu', 'WebGPU (window)'],
  ['webgl', 'WebGL (window)'],
];

const STORAGE_KEY = 'cnn-studio.train-engine';

function isTrainEngine(value: unknown): value is TrainEngine {
  return TRAIN_ENGINES.some(([engine]) => engine === value);
}

function readStored(): TrainEngine {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isTrainEngine(stored) ? stored : 'auto';
  } catch {
    return 'auto';
  }
}

interface EngineChoiceState {
  engine: TrainEngine;
  setEngine(engine: TrainEngine): void;
}

export const useTrainEngine = create<EngineChoiceState>((set) => ({
  engine: readStored(),
  setEngine(engine) {
    set({ engine });
    try {
      localStorage.setItem(STORAGE_KEY, engine);
    } catch {
      // private mode: the choice just is not remembered
    }
  },
}));

/** Whether `engine` trains in this window (and which backend it asks for). */
export function windowBackendOf(engine: TrainEngine): WindowBackendName | null {
  return engine === 'webgpu' || engine === 'webgl' ? engine : null;
}
