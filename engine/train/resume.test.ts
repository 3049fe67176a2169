import { describe, expect, it } from 'vitest';
import { describeOverrides, resumeSettings } from './resume';
import { quickTraining } from './test-support';

const state = {
  training: quickTraining({ epochs: 3, batchSize: 16, seed: 7, validationSplit: 0.2 }),
  limit: 64,
};

describe('resume settings', () => {
  it('continues the run it was when nothing is given', () => {
    const resumed = resumeSettings(state, {});
    expect(resumed).toEqual({ training: state.training, limit: 64, overridden: [] });
    expect(describeOverrides(resumed.overridden)).toBe('every setting comes from the checkpoint');
  });

  it('applies and lists only the settings that differ from the checkpoint', () => {
    const resumed = resumeSettings(state, { training: { epochs: 5, seed: 7 }, limit: 200 });
    expect(resumed.training).toEqual({ ...state.training, epochs: 5 });
    expect(resumed.limit).toBe(200);
    expect(resumed.overridden).toEqual([
      { setting: 'epochs', checkpoint: 3, given: 5 },
      { setting: 'limit', checkpoint: 64, given: 200 },
    ]);
    expect(describeOverrides(resumed.overridden)).toBe(
      'overridden: epochs 5 (the checkpoint has 3), limit 200 (the checkpoint has 64); the other settings come from the checkpoint',
    );
  });

  it('treats an explicit null limit (all images) as an override', () => {
    expect(resumeSettings(state, { limit: null }).overridden).toEqual([
      { setting: 'limit', checkpoint: 64, given: null },
    ]);
  });
});
