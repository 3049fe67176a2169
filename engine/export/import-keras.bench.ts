// Speed of importing a big layers model: ResNet-50's topology (177 layers) should import,
// check, fold (into sixteen bottlenecks) and analyze in well under 2 s (issue 14). Run: npx vitest bench engine/export/import-keras.bench.ts --run
import { bench, describe } from 'vitest';
import { analyzeGraph } from '../graph/analyze';
import { foldBlocks } from '../graph/fold';
import { importLayersModel } from './import-keras';
import { checkImportedGraph } from './import-repair';
import { kerasResNet50 } from './test-support/keras-resnet50';

describe('importing ResNet-50 (Keras Applications to_json)', () => {
  const keras2 = JSON.stringify(kerasResNet50());
  const keras3 = JSON.stringify(kerasResNet50({ keras3: true }));
  bench('Keras 2 JSON → checked graph', () => {
    const { document } = checkImportedGraph(importLayersModel(keras2).document);
    analyzeGraph(document!);
  });
  bench('Keras 3 JSON → checked graph', () => {
    const { document } = checkImportedGraph(importLayersModel(keras3).document);
    analyzeGraph(document!);
  });
  bench('Keras 2 JSON → checked, folded graph (what cnn-studio import and the editor do)', () => {
    const { document } = checkImportedGraph(importLayersModel(keras2).document);
    analyzeGraph(foldBlocks(document!).document);
  });
});
