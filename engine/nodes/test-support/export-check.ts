/**
 * Checking node types end to end in tests: a chain of layers as a graph document, and that
 * graph's PyTorch export built and run in Debian's torch (output shape and trainable count
 * against the engine's summary) and its Keras export parsed as Python.
 */
import { analyzeGraph } from '../../graph/analyze';
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type Params,
} from '../../graph/document';
import { exportCode } from '../../export/index';
import { requireTorch, runPythonJson, writeFiles } from '../../export/test-support/python';

/** One layer of a chain: id, type, params. */
export type ChainLayer = readonly [id: string, type: string, params: Params];

/** An input of `[h, w, c]` followed by `layers`, each fed by the one before. */
export function chainGraph(
  name: string,
  input: readonly [number, number, number],
  layers: readonly ChainLayer[],
): GraphDocument {
  const chain: ChainLayer[] = [
    ['image', 'input', { height: input[0], width: input[1], channels: input[2] }],
    ...layers,
  ];
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    nodes: chain.map(([id, type, params]) => ({ id, type, params, position: { x: 0, y: 0 } })),
    edges: chain.slice(1).map(([id], i) => ({
      id: `e${i}`,
      source: chain[i][0],
      sourcePort: 'out',
      target: id,
      targetPort: 'in',
    })),
    training: { ...DEFAULT_TRAINING },
    layout: { direction: 'TB' },
    meta: {},
  };
}

/** What a built PyTorch model reports, and what the engine's summary says it should. */
export interface TorchBuild {
  name: string;
  torch: { shape: number[]; trainable: number; keras: boolean };
  engine: { shape: number[]; trainable: number; keras: boolean };
}

/**
 * Exports each graph to PyTorch and Keras, builds each model in torch (one Python process),
 * runs a batch of 2, and returns the output shape (NCHW turned to our HWC order) and the
 * trainable count next to the engine's, plus whether the Keras script parses.
 */
export function buildInTorch(docs: readonly GraphDocument[]): TorchBuild[] {
  requireTorch();
  const checks = docs.map((doc) => ({
    name: doc.name,
    dir: writeFiles([...exportCode(doc, 'pytorch'), ...exportCode(doc, 'keras')]),
  }));
  const results = runPythonJson<Array<{ shape: number[]; trainable: number; keras: boolean }>>(
    `
import ast, importlib.util, json, sys, torch
out = []
for check in json.load(sys.stdin):
    spec = importlib.util.spec_from_file_location('model_' + str(len(out)), check['dir'] + '/model.py')
    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
    model = module.build_model().eval()
    with torch.no_grad():
        y = model(torch.randn(2, *module.INPUT_SHAPE))
    shape = list(y.shape[1:])
    if len(shape) == 3:
        shape = [shape[1], shape[2], shape[0]]
    ast.parse(open(check['dir'] + '/model_keras.py').read())
    out.append({'shape': shape, 'trainable': sum(p.numel() for p in model.parameters() if p.requires_grad), 'keras': True})
print(json.dumps(out))`,
    checks,
  );
  return docs.map((doc, i) => {
    const analysis = analyzeGraph(doc);
    if (!analysis.valid || !analysis.outputShape)
      throw new Error(
        `${doc.name}: the graph is not valid (${analysis.issues.map((issue) => issue.message).join('; ')})`,
      );
    return {
      name: doc.name,
      torch: results[i],
      engine: { shape: [...analysis.outputShape], trainable: analysis.totals.trainable, keras: true },
    };
  });
}
