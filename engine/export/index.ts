/**
 * Code exporters: a graph (and its training settings) as source another tool runs.
 * TensorFlow.js export needs tfjs itself and lives with the engine host.
 */
import type { GraphDocument } from '../graph/document';
import type { ExportedFile } from '../protocol/api';
import { kerasSource } from './keras';
import { planExport } from './plan';
import { pytorchModelSource } from './pytorch-model';
import { pytorchTrainSource } from './pytorch-train';

export { ExportError } from './plan';

export type CodeTarget = 'pytorch' | 'keras';

const text = (path: string, content: string): ExportedFile => ({ path, content, encoding: 'utf8' });

/**
 * PyTorch: `model.py` (+ `train.py`); Keras: `model_keras.py`.
 *
 * @throws GraphInvalidError for an invalid graph; ExportError naming a node the target cannot express.
 * @example exportCode(getPreset('lenet'), 'pytorch').map((f) => f.path) // ['model.py', 'train.py', 'README.md']
 */
export function exportCode(document: GraphDocument, target: CodeTarget): ExportedFile[] {
  const plan = planExport(document);
  if (target === 'keras') return [text('model_keras.py', kerasSource(plan, document.training))];
  const [h, w, c] = plan.inputShape;
  const readme = `# ${document.name} (PyTorch)

Exported from CNN Studio. \`model.py\` defines the network: \`build_model()\` takes NCHW input of
shape N × ${c} × ${h} × ${w} and returns ${plan.numClasses} class scores. \`train.py\` trains it with the settings it
had in the app, on the CPU, one GPU, or several GPUs with \`torchrun\`:

    python train.py                          # Fashion-MNIST, downloaded to ./data
    torchrun --nproc_per_node=4 train.py     # DistributedDataParallel, one process per GPU
    python train.py --data folder --data-dir my-images   # my-images/train/<class>/*.png, my-images/test/…
`;
  return [
    text('model.py', pytorchModelSource(plan)),
    text('train.py', pytorchTrainSource(plan, document.training)),
    text('README.md', readme),
  ];
}
