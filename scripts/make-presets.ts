/**
 * Writes engine/presets/<id>.json: the book's CNNs ("Dive into Deep Learning", 0.17.5) as
 * CNN Studio graph files. Each network is written here the way the book writes it, layer
 * by layer; every param is spelled out in the JSON so a preset never changes meaning when
 * a default does. Run: node scripts/make-presets.mjs  (bundles this file with esbuild).
 *
 * The reference numbers the presets must match (trainable params, stage shapes) come from
 * the book's PyTorch code: engine/presets/reference/book_models.py.
 */
import { writeFileSync } from 'node:fs';
import { analyzeGraph } from '../engine/graph/analyze';
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  type Params,
} from '../engine/graph/document';
import { describeIssue } from '../engine/graph/errors';
import { serializeGraphDocument } from '../engine/graph/serialize';
import { defaultParams } from '../engine/nodes/params';
import type { FusedActivation, NodeParamsMap, NodeTypeId } from '../engine/nodes/types';
import { bookResults } from '../engine/presets/book-results';
import { isBookPresetId, type PresetId } from '../engine/presets/ids';

// make-presets.mjs runs a bundled copy from a temporary folder, so it passes the folder in.
const OUT_DIR = process.env.PRESETS_OUT_DIR ?? new URL('../engine/presets', import.meta.url).pathname;

/** Vertical distance between consecutive layers in the top-to-bottom column. */
const ROW = 100;

/** Builds one chain of layers, top to bottom, wiring each node to the one before. */
class Chain {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  private readonly counters = new Map<string, number>();

  add<T extends NodeTypeId>(type: T, params: Partial<NodeParamsMap[T]> = {}, label?: string): this {
    // Activations are named after their function (relu1, sigmoid2), as the book's layers read.
    const prefix = type === 'activation' ? String((params as { fn?: string }).fn) : ID_PREFIX[type];
    const count = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, count);
    // relu6 → relu6_1, not relu61.
    const id = type === 'input' ? 'input' : `${prefix}${/\d$/.test(prefix) ? '_' : ''}${count}`;
    const previous = this.nodes[this.nodes.length - 1];
    const node: GraphNode = {
      id,
      type,
      params: { ...defaultParams(type), ...(params as Params) },
      position: { x: 0, y: this.nodes.length * ROW },
    };
    if (label) node.label = label;
    this.nodes.push(node);
    if (previous) {
      this.edges.push({
        id: `e${this.edges.length + 1}`,
        source: previous.id,
        sourcePort: 'out',
        target: id,
        targetPort: 'in',
      });
    }
    return this;
  }

  input(size: number, channels = 1): this {
    return this.add('input', { height: size, width: size, channels });
  }

  /** conv(c, k, s, p) as the book writes it, with the activation fused (or none). */
  conv(
    filters: number,
    kernelSize: number,
    activation: FusedActivation,
    options: { strides?: number; padding?: number } = {},
  ): this {
    return this.add('conv2d', {
      filters,
      kernelSize,
      strides: options.strides ?? 1,
      padding: options.padding ?? 0,
      dilation: 1,
      activation,
      useBias: true,
    });
  }

  maxPool(poolSize: number, strides: number, padding = 0): this {
    return this.add('maxPool2d', { poolSize, strides, padding });
  }

  avgPool(poolSize: number, strides: number): this {
    return this.add('avgPool2d', { poolSize, strides, padding: 0 });
  }

  dense(units: number, activation: FusedActivation = 'none'): this {
    return this.add('dense', { units, activation, useBias: true });
  }

  /** The book's `nn.BatchNorm` defaults: PyTorch momentum 0.1 (0.9 in tfjs terms), eps 1e-5. */
  batchNorm(): this {
    return this.add('batchNorm', { momentum: 0.9, epsilon: 1e-5 });
  }

  activation(fn: 'relu' | 'relu6' | 'sigmoid'): this {
    return this.add('activation', { fn });
  }

  dropout(rate: number): this {
    return this.add('dropout', { rate });
  }

  /** The book's classifier tail after global pooling: flatten, dense 10. */
  flatten(): this {
    return this.add('flatten');
  }
}

const ID_PREFIX: Record<NodeTypeId, string> = {
  input: 'input',
  conv2d: 'conv',
  depthwiseConv2d: 'dwconv',
  separableConv2d: 'sepconv',
  conv2dTranspose: 'convt',
  maxPool2d: 'maxpool',
  avgPool2d: 'avgpool',
  globalAvgPool2d: 'gap',
  globalMaxPool2d: 'gmp',
  batchNorm: 'bn',
  activation: 'act',
  dense: 'dense',
  dropout: 'dropout',
  spatialDropout2d: 'sdropout',
  flatten: 'flatten',
  concat: 'concat',
  add: 'add',
  multiply: 'mul',
  resize: 'resize',
  upSampling2d: 'up',
  zeroPadding2d: 'pad',
  cropping2d: 'crop',
  reshape: 'reshape',
  vggBlock: 'vgg',
  ninBlock: 'nin',
  inception: 'inception',
  residual: 'residual',
  denseBlock: 'denseblock',
  transition: 'transition',
  squeezeExcitation: 'se',
  bottleneck: 'bottleneck',
  invertedResidual: 'block',
  depthwiseSeparable: 'dwsep',
};

function lenet(): Chain {
  return new Chain()
    .input(28)
    .conv(6, 5, 'sigmoid', { padding: 2 })
    .avgPool(2, 2)
    .conv(16, 5, 'sigmoid')
    .avgPool(2, 2)
    .flatten()
    .dense(120, 'sigmoid')
    .dense(84, 'sigmoid')
    .dense(10);
}

function alexnet(): Chain {
  return new Chain()
    .input(224)
    .conv(96, 11, 'relu', { strides: 4, padding: 1 })
    .maxPool(3, 2)
    .conv(256, 5, 'relu', { padding: 2 })
    .maxPool(3, 2)
    .conv(384, 3, 'relu', { padding: 1 })
    .conv(384, 3, 'relu', { padding: 1 })
    .conv(256, 3, 'relu', { padding: 1 })
    .maxPool(3, 2)
    .flatten()
    .dense(4096, 'relu')
    .dropout(0.5)
    .dense(4096, 'relu')
    .dropout(0.5)
    .dense(10);
}

const VGG11: ReadonlyArray<readonly [number, number]> = [
  [1, 64],
  [1, 128],
  [2, 256],
  [2, 512],
  [2, 512],
];

function vgg(divideChannelsBy: number): Chain {
  const chain = new Chain().input(224);
  for (const [numConvs, filters] of VGG11)
    chain.add('vggBlock', { numConvs, filters: filters / divideChannelsBy });
  return chain.flatten().dense(4096, 'relu').dropout(0.5).dense(4096, 'relu').dropout(0.5).dense(10);
}

function nin(): Chain {
  return new Chain()
    .input(224)
    .add('ninBlock', { filters: 96, kernelSize: 11, strides: 4, padding: 0 })
    .maxPool(3, 2)
    .add('ninBlock', { filters: 256, kernelSize: 5, strides: 1, padding: 2 })
    .maxPool(3, 2)
    .add('ninBlock', { filters: 384, kernelSize: 3, strides: 1, padding: 1 })
    .maxPool(3, 2)
    .dropout(0.5)
    .add('ninBlock', { filters: 10, kernelSize: 3, strides: 1, padding: 1 })
    .add('globalAvgPool2d')
    .flatten();
}

type InceptionArgs = [c1: number, c2: [number, number], c3: [number, number], c4: number];

function googlenet(): Chain {
  const chain = new Chain().input(96);
  const inception = (...[c1, c2, c3, c4]: InceptionArgs) => chain.add('inception', { c1, c2, c3, c4 });
  // b1, b2
  chain.conv(64, 7, 'relu', { strides: 2, padding: 3 }).maxPool(3, 2, 1);
  chain.conv(64, 1, 'relu').conv(192, 3, 'relu', { padding: 1 }).maxPool(3, 2, 1);
  // b3
  inception(64, [96, 128], [16, 32], 32);
  inception(128, [128, 192], [32, 96], 64);
  chain.maxPool(3, 2, 1);
  // b4
  inception(192, [96, 208], [16, 48], 64);
  inception(160, [112, 224], [24, 64], 64);
  inception(128, [128, 256], [24, 64], 64);
  inception(112, [144, 288], [32, 64], 64);
  inception(256, [160, 320], [32, 128], 128);
  chain.maxPool(3, 2, 1);
  // b5
  inception(256, [160, 320], [32, 128], 128);
  inception(384, [192, 384], [48, 128], 128);
  return chain.add('globalAvgPool2d').flatten().dense(10);
}

function bnLenet(): Chain {
  return new Chain()
    .input(28)
    .conv(6, 5, 'none')
    .batchNorm()
    .activation('sigmoid')
    .avgPool(2, 2)
    .conv(16, 5, 'none')
    .batchNorm()
    .activation('sigmoid')
    .avgPool(2, 2)
    .flatten()
    .dense(120)
    .batchNorm()
    .activation('sigmoid')
    .dense(84)
    .batchNorm()
    .activation('sigmoid')
    .dense(10);
}

/** ResNet's and DenseNet's first block: conv(64,7,s2,p3) BN relu maxpool(3,2,1). */
function stem(size: number): Chain {
  return new Chain()
    .input(size)
    .conv(64, 7, 'none', { strides: 2, padding: 3 })
    .batchNorm()
    .activation('relu')
    .maxPool(3, 2, 1);
}

function resnet18(): Chain {
  const chain = stem(96);
  const stages: Array<[filters: number, first: boolean]> = [
    [64, true],
    [128, false],
    [256, false],
    [512, false],
  ];
  for (const [filters, first] of stages) {
    // The first residual of stages 2–4 halves the size and changes channels: 1×1 conv shortcut.
    chain.add(
      'residual',
      first ? { filters, use1x1: false, strides: 1 } : { filters, use1x1: true, strides: 2 },
    );
    chain.add('residual', { filters, use1x1: false, strides: 1 });
  }
  return chain.add('globalAvgPool2d').flatten().dense(10);
}

function densenet(): Chain {
  const chain = stem(96);
  const growthRate = 32;
  let channels = 64;
  const convsPerBlock = [4, 4, 4, 4];
  convsPerBlock.forEach((numConvs, i) => {
    chain.add('denseBlock', { numConvs, growthRate });
    channels += numConvs * growthRate;
    if (i !== convsPerBlock.length - 1) {
      channels /= 2;
      chain.add('transition', { filters: channels });
    }
  });
  return chain.batchNorm().activation('relu').add('globalAvgPool2d').flatten().dense(10);
}

/** Keras Applications' ResNet-50 batch norm (tfjs momentum meaning: the old value's weight). */
const KERAS_RESNET_BN = { momentum: 0.99, epsilon: 1.001e-5 };
/** Keras Applications' MobileNetV2 batch norm. */
const KERAS_MOBILENET_V2_BN = { momentum: 0.999, epsilon: 1e-3 };

/** The ImageNet head of Keras Applications: global average pooling, dense 1,000 with softmax. */
function imagenetHead(chain: Chain): Chain {
  return chain.add('globalAvgPool2d').flatten().dense(1000, 'softmax');
}

/**
 * keras.applications.ResNet50: conv(64, 7, s2, p3) BN relu maxpool(3, 2, 1), stages of 3, 4, 6
 * and 3 bottlenecks (64 to 512 filters; the first of each has the projection shortcut and
 * the stage's stride), head.
 */
function resnet50(): Chain {
  const chain = new Chain()
    .input(224, 3)
    .conv(64, 7, 'none', { strides: 2, padding: 3 })
    .add('batchNorm', KERAS_RESNET_BN)
    .activation('relu')
    .maxPool(3, 2, 1);
  const stages: Array<[filters: number, blocks: number, strides: number]> = [
    [64, 3, 1],
    [128, 4, 2],
    [256, 6, 2],
    [512, 3, 2],
  ];
  for (const [filters, blocks, strides] of stages)
    for (let i = 0; i < blocks; i++)
      chain.add('bottleneck', { filters, projection: i === 0, strides: i === 0 ? strides : 1 });
  return imagenetHead(chain);
}

/**
 * keras.applications.MobileNetV2 (alpha 1.0): conv(32, 3, s2, 'same', no bias) BN relu6,
 * seventeen inverted residuals (expansion, filters, repeats, first stride as in the paper's
 * table 2), conv(1280, 1) BN relu6, head.
 */
function mobilenetV2(): Chain {
  const chain = new Chain()
    .input(224, 3)
    .add('conv2d', {
      filters: 32,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'none',
      useBias: false,
    })
    .add('batchNorm', KERAS_MOBILENET_V2_BN)
    .activation('relu6');
  const stages: Array<[expansion: number, filters: number, repeats: number, strides: number]> = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  let channels = 32;
  for (const [expansion, filters, repeats, strides] of stages)
    for (let i = 0; i < repeats; i++) {
      chain.add('invertedResidual', {
        channels,
        expansion,
        filters,
        strides: i === 0 ? strides : 1,
        squeezeExcitation: false,
      });
      channels = filters;
    }
  chain
    .add('conv2d', {
      filters: 1280,
      kernelSize: 1,
      strides: 1,
      padding: 0,
      activation: 'none',
      useBias: false,
    })
    .add('batchNorm', KERAS_MOBILENET_V2_BN)
    .activation('relu6');
  return imagenetHead(chain);
}

interface PresetSpec {
  id: PresetId;
  name: string;
  description: string;
  build: () => Chain;
  learningRate: number;
  batchSize: number;
}

const PRESETS: PresetSpec[] = [
  {
    id: 'lenet',
    name: 'LeNet',
    build: lenet,
    learningRate: 0.9,
    batchSize: 256,
    description:
      'LeNet-5 (LeCun et al., 1998) as in D2L §6.6: two 5×5 convolutions with sigmoid and average pooling, then three dense layers. 28×28 input.',
  },
  {
    id: 'alexnet',
    name: 'AlexNet',
    build: alexnet,
    learningRate: 0.01,
    batchSize: 128,
    description:
      'AlexNet (Krizhevsky et al., 2012) as in D2L §7.1: five convolutions with ReLU and max pooling, two 4096-unit dense layers with dropout. 224×224 input.',
  },
  {
    id: 'vgg11',
    name: 'VGG-11',
    build: () => vgg(1),
    learningRate: 0.05,
    batchSize: 128,
    description:
      'VGG-11 (Simonyan & Zisserman, 2014) as in D2L §7.2: five VGG blocks of 3×3 convolutions (64 to 512 channels), then two 4096-unit dense layers with dropout. 224×224 input.',
  },
  {
    id: 'vgg11-small',
    name: 'VGG-11 (narrow)',
    build: () => vgg(4),
    learningRate: 0.05,
    batchSize: 128,
    description:
      'The VGG-11 the book trains (D2L §7.2): every channel count divided by 4 (16 to 128 channels). 224×224 input.',
  },
  {
    id: 'nin',
    name: 'NiN',
    build: nin,
    learningRate: 0.1,
    batchSize: 128,
    description:
      'Network in Network (Lin et al., 2013) as in D2L §7.3: NiN blocks (a convolution then two 1×1 convolutions), no dense layers; global average pooling gives the 10 class scores. 224×224 input.',
  },
  {
    id: 'googlenet',
    name: 'GoogLeNet',
    build: googlenet,
    learningRate: 0.1,
    batchSize: 128,
    description:
      'GoogLeNet (Szegedy et al., 2015) as in D2L §7.4: a stem, nine Inception blocks in three stages, global average pooling. 96×96 input.',
  },
  {
    id: 'bn-lenet',
    name: 'LeNet with batch norm',
    build: bnLenet,
    learningRate: 1.0,
    batchSize: 256,
    description:
      'LeNet with batch normalization after every convolution and hidden dense layer (D2L §7.5, concise version; no padding on the first convolution). 28×28 input.',
  },
  {
    id: 'resnet18',
    name: 'ResNet-18',
    build: resnet18,
    learningRate: 0.05,
    batchSize: 256,
    description:
      'ResNet-18 (He et al., 2016) as in D2L §7.6: a stem, four stages of two residual blocks (64 to 512 channels), global average pooling, dense 10. 96×96 input.',
  },
  {
    id: 'densenet',
    name: 'DenseNet',
    build: densenet,
    learningRate: 0.1,
    batchSize: 256,
    description:
      'DenseNet (Huang et al., 2017) as in D2L §7.7: a stem, four dense blocks of four convolutions (growth rate 32) with transition blocks halving the channels between them. 96×96 input.',
  },
  {
    id: 'resnet50',
    name: 'ResNet-50',
    build: resnet50,
    learningRate: 0.01,
    batchSize: 32,
    description:
      "ResNet-50 (He et al., 2016) as Keras Applications builds it: a stem, sixteen bottleneck blocks in four stages (64 to 512 filters, 256 to 2048 channels out), global average pooling, dense 1,000 with softmax. Keras's counts: 25,583,592 trainable, 53,120 non-trainable. 224×224×3 input.",
  },
  {
    id: 'mobilenetv2',
    name: 'MobileNetV2',
    build: mobilenetV2,
    learningRate: 0.01,
    batchSize: 32,
    description:
      "MobileNetV2 1.0 (Sandler et al., 2018) as Keras Applications builds it: a stem, seventeen inverted residual blocks (16 to 320 channels), a 1×1 conv to 1,280, global average pooling, dense 1,000 with softmax. Keras's counts: 3,504,872 trainable, 34,112 non-trainable. 224×224×3 input.",
  },
];

function toDocument(spec: PresetSpec): GraphDocument {
  const chain = spec.build();
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: spec.name,
    description: spec.description,
    nodes: chain.nodes,
    edges: chain.edges,
    training: {
      ...DEFAULT_TRAINING,
      dataset: 'fashion-mnist',
      epochs: 10,
      optimizer: 'sgd',
      momentum: 0,
      learningRate: spec.learningRate,
      batchSize: spec.batchSize,
    },
    layout: { direction: 'TB' },
    meta: isBookPresetId(spec.id)
      ? {
          preset: spec.id,
          source: 'Dive into Deep Learning, edition 0.17.5 (d2l.ai)',
          book: bookResults[spec.id],
        }
      : { preset: spec.id, source: 'Keras Applications (keras.applications, weights=None)' },
  };
}

let failed = false;
for (const spec of PRESETS) {
  const doc = toDocument(spec);
  const analysis = analyzeGraph(doc);
  if (!analysis.valid) {
    failed = true;
    console.error(
      `${spec.id}: not valid:\n${analysis.issues.map((issue) => `  ${describeIssue(issue)}`).join('\n')}`,
    );
  }
  writeFileSync(`${OUT_DIR}/${spec.id}.json`, serializeGraphDocument(doc));
  console.log(
    `${spec.id.padEnd(12)} ${String(doc.nodes.length).padStart(3)} nodes  ${analysis.totals.trainable} trainable params  output ${JSON.stringify(analysis.outputShape)}`,
  );
}
process.exitCode = failed ? 1 : 0;
