// Speed of analyzeGraph on the presets: it runs on every edit in the editor, so each should
// take well under 5 ms. Run: npx vitest bench engine/graph/analyze.bench.ts --run
import { bench, describe } from 'vitest';
import { getPreset, presetIds } from '../presets/index';
import { analyzeGraph } from './analyze';

describe('analyzeGraph', () => {
  for (const id of presetIds) {
    const doc = getPreset(id);
    bench(id, () => {
      analyzeGraph(doc);
    });
  }
});

describe('loadGraphDocument + analyzeGraph', () => {
  bench('googlenet', () => {
    analyzeGraph(getPreset('googlenet'));
  });
});
