/**
 * The Training panel's mixed-precision choice for PyTorch runs (`train-amp`): `auto` (on for
 * CUDA and ROCm GPUs, off on the CPU), `on` or `off`. Like the engine choice it belongs to a
 * run, not to the model, so it is remembered per browser rather than saved in the document.
 */
import { create } from 'zustand';
import type { StartRunRequest } from '../../../engine/protocol/api';

export type AmpChoice = NonNullable<StartRunRequest['amp']>;

/** The select's options, in order, with their labels. */
export const AMP_CHOICES: ReadonlyArray<readonly [AmpChoice, string]> = [
  ['auto', 'Auto (on for GPUs)'],
  ['on', 'On'],
  ['off', 'Off (float32)'],
];

const STORAGE_KEY = 'cnn-studio.train-amp';

function readStored(): AmpChoice {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return AMP_CHOICES.some(([choice]) => choice === stored) ? (stored as AmpChoice) : 'auto';
  } catch {
    return 'auto';
  }
}

interface AmpChoiceState {
  amp: AmpChoice;
  setAmp(amp: AmpChoice): void;
}

export const useAmpChoice = create<AmpChoiceState>((set) => ({
  amp: readStored(),
  setAmp(amp) {
    set({ amp });
    try {
      localStorage.setItem(STORAGE_KEY, amp);
    } catch {
      // private mode: the choice just is not remembered
    }
  },
}));
