/**
 * An ONNX model (what `torch.onnx.export` writes, ONNX model-zoo CNNs, CNN Studio's own
 * export) → an editable graph and its weights.
 *
 * ONNX is NCHW, the engine NHWC: shapes become [h, w, c], conv kernels [kh, kw, in, out],
 * and the first Dense after a Flatten of a feature map gets its rows reordered from
 * channels-first to the engine's [h, w, c] flatten order (unless a Transpose to NHWC came
 * first, as CNN Studio's export writes it). Weights are handed to the nodes through the
 * imported-weights carrier (engine/export/imported-weights.ts), in tfjs layout.
 *
 * Ops with no node are listed by name and op type in `unmapped` and wired through where
 * they have one data input, as the Keras importer does; `checkImportedGraph` then checks
 * the graph as CNN Studio reads it.
 */
import {
  DEFAULT_TRAINING,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  type Params,
  type Shape,
} from '../../graph/document';
import { defaultParams } from '../../nodes/params';
import { getNodeType } from '../../nodes/registry';
import type { ImportedTensor, ImportedWeights } from '../imported-weights';
import { InputSizeNeededError, ModelImportError, type ImportOptions } from '../import-keras';
import { flattenPermutation } from '../pytorch-weights';
import {
  decodeOnnxModel,
  TensorType,
  type OnnxAttributeProto,
  type OnnxNode,
  type OnnxTensor,
} from './proto';
import { foldConstantOp, type ConstantTensor, type FoldAttributes } from './constant-fold';
import { fuseGelu } from './fuse-gelu';
import { windowPads } from './ops';

export interface OnnxImportResult {
  document: GraphDocument;
  /** One line per ONNX node with no CNN Studio node, e.g. `/features/LRN (LRN): no CNN Studio node for …`. */
  unmapped: string[];
  /** Each node's weights in tfjs layout, for `saveImportedWeights`. */
  weights: ImportedWeights;
}

/** Key under the graph's `meta` listing the ONNX nodes that were left out, with the node after each. */
export const ONNX_UNMAPPED_META_KEY = 'importUnmapped';

/** A constant (initializer, Constant node, or an op on constants folded here): its dims and values. */
type Constant = ConstantTensor;

/** A data value: the graph node whose output it is, and its engine shape. */
interface Value {
  node: string;
  shape: Shape;
  /** Set after Flatten / Reshape of a [h, w, c] map in ONNX's channels-first order. */
  channelsFirstFrom?: readonly [number, number, number];
  /** Set after a Transpose to NHWC (the next Flatten keeps the engine's order). */
  nhwc?: boolean;
  /** Set after a channels-last Reshape: a Transpose back to NCHW must follow. */
  reshapedNhwc?: boolean;
}

/** A shape computed in the graph (Shape → Slice / Gather → Concat): numbers, `null` = the batch. */
type ShapeValue = Array<number | null>;

class UnmappedOp extends Error {}

const unmappable = (message: string): never => {
  throw new UnmappedOp(message);
};

function tensorValues(tensor: OnnxTensor, where: string): Constant {
  const dims = (tensor.dims ?? []).map(Number);
  const size = dims.reduce((a, b) => a * b, 1);
  if (tensor.dataLocation === 1)
    throw new ModelImportError(`${where}: its data is in an external file, which CNN Studio does not read`);
  const raw = tensor.rawData;
  const type = tensor.dataType ?? TensorType.FLOAT;
  let values: Float64Array;
  if (raw && raw.byteLength > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = type === TensorType.FLOAT || type === TensorType.INT32 ? 4 : 8;
    if (raw.byteLength !== size * width)
      throw new ModelImportError(
        `${where}: raw_data has ${raw.byteLength} bytes, dims [${dims}] need ${size * width}`,
      );
    values = new Float64Array(size);
    for (let i = 0; i < size; i++)
      values[i] =
        type === TensorType.FLOAT
          ? view.getFloat32(i * 4, true)
          : type === TensorType.INT32
            ? view.getInt32(i * 4, true)
            : type === TensorType.INT64
              ? Number(view.getBigInt64(i * 8, true))
              : type === TensorType.DOUBLE
                ? view.getFloat64(i * 8, true)
                : NaN;
    if (![TensorType.FLOAT, TensorType.INT32, TensorType.INT64, TensorType.DOUBLE].includes(type as 1))
      throw new ModelImportError(`${where}: data type ${type} is not read (float, double, int32, int64 are)`);
  } else {
    const list = tensor.floatData ?? tensor.int64Data ?? tensor.int32Data ?? tensor.doubleData ?? [];
    values = Float64Array.from(list.map(Number));
    if (values.length !== size)
      throw new ModelImportError(`${where}: holds ${values.length} values, dims [${dims}] need ${size}`);
  }
  return { dims, values, float: type === TensorType.FLOAT ? Float32Array.from(values) : null };
}

function attributes(node: OnnxNode): Map<string, OnnxAttributeProto> {
  return new Map((node.attribute ?? []).map((attribute) => [attribute.name, attribute]));
}

const ints = (attrs: Map<string, OnnxAttributeProto>, name: string): number[] | undefined =>
  attrs.get(name)?.ints?.map(Number);
const int = (attrs: Map<string, OnnxAttributeProto>, name: string, fallback: number): number =>
  attrs.has(name) ? Number(attrs.get(name)!.i ?? 0) : fallback;
const float = (attrs: Map<string, OnnxAttributeProto>, name: string, fallback: number): number =>
  attrs.has(name) ? shortestFloat32(Number(attrs.get(name)!.f ?? 0)) : fallback;

/**
 * The shortest decimal that is the same float32: ONNX stores float attributes in 32 bits, so
 * an epsilon of 1e-5 reads back as 0.000009999999747378752. The param is what was written
 * (1e-5), which also lets block folding match the block's own 1e-5.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return value;
}
const text = (attrs: Map<string, OnnxAttributeProto>, name: string, fallback: string): string => {
  const s = attrs.get(name)?.s;
  return s ? new TextDecoder().decode(s) : fallback;
};

/** A window size as the graph writes it: one number when square. */
const size = ([h, w]: readonly number[]): number | [number, number] => (h === w ? h : [h, w]);

/** ONNX conv kernel [out, in, kh, kw] → tfjs [kh, kw, in, out]. */
function convKernelFromOnnx(dims: readonly number[], data: Float32Array): ImportedTensor['values'] {
  const [cout, cin, kh, kw] = dims;
  const out = new Float32Array(data.length);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cin; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          out[((y * kw + x) * cin + i) * cout + o] = data[((o * cin + i) * kh + y) * kw + x];
  return out;
}

/** ONNX group-conv kernel [c·m, 1, kh, kw] → tfjs depthwise [kh, kw, c, m]. */
function depthwiseKernelFromOnnx(
  dims: readonly number[],
  channels: number,
  data: Float32Array,
): Float32Array {
  const [outputs, , kh, kw] = dims;
  const m = outputs / channels;
  const out = new Float32Array(data.length);
  for (let c = 0; c < channels; c++)
    for (let j = 0; j < m; j++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          out[((y * kw + x) * channels + c) * m + j] = data[((c * m + j) * kh + y) * kw + x];
  return out;
}

/** Padding as the graph writes it from ONNX pads [top, left, bottom, right], if the engine has that form. */
function paddingOf(
  attrs: Map<string, OnnxAttributeProto>,
  input: Shape,
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): { padding: number | 'same' | 'valid'; extra: [number, number, number, number] | null } {
  const autoPad = text(attrs, 'auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return { padding: 0, extra: null };
  if (autoPad === 'SAME_UPPER') return { padding: 'same', extra: null };
  if (autoPad !== 'NOTSET') unmappable(`auto_pad ${autoPad}`);
  const pads = ints(attrs, 'pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4) unmappable(`pads [${pads}] (only 2-D images)`);
  const [top, left, bottom, right] = pads;
  if (pads.every((p) => p === top)) return { padding: top, extra: null };
  const same = windowPads('same', input, size(kernel), size(strides), size(dilations));
  if (same.every((p, i) => p === pads[i])) return { padding: 'same', extra: null };
  return { padding: 0, extra: [top, left, bottom, right] };
}

/**
 * Imports the bytes of a `.onnx` file.
 *
 * @throws ModelImportError when the bytes are not an ONNX model CNN Studio can read
 *   (InputSizeNeededError when the input's height and width are unknown and not given).
 */
export function importOnnxModel(bytes: Uint8Array, options: ImportOptions = {}): OnnxImportResult {
  let model;
  try {
    model = decodeOnnxModel(bytes);
  } catch (error) {
    throw new ModelImportError(`not an ONNX model: ${(error as Error).message}`);
  }
  const graph = model.graph;
  if (!graph || !graph.node || graph.node.length === 0)
    throw new ModelImportError('not an ONNX model: it has no graph nodes');

  const constants = new Map<string, Constant>();
  for (const tensor of graph.initializer ?? [])
    constants.set(tensor.name ?? '', tensorValues(tensor, `initializer "${tensor.name}"`));
  const shapes = new Map<string, ShapeValue>();
  const values = new Map<string, Value>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const weights: ImportedWeights = new Map();
  const unmapped: string[] = [];
  const leftOut: Array<{ name: string; opType: string; reason: string; input: string | null }> = [];
  const usedIds = new Set<string>();
  const consumers = new Map<string, number>();
  for (const node of graph.node)
    for (const input of node.input ?? []) consumers.set(input, (consumers.get(input) ?? 0) + 1);
  for (const output of graph.output ?? []) consumers.set(output.name, (consumers.get(output.name) ?? 0) + 1);

  // A scalar an op reads: an initializer's or a Constant node's (these are evaluated only in
  // the main loop, so GELU fusion reads them here).
  const scalars = new Map<string, number>();
  for (const [name, c] of constants) if (c.values.length === 1) scalars.set(name, c.values[0]);
  for (const node of graph.node) {
    const value = node.opType === 'Constant' ? attributes(node).get('value') : undefined;
    if (value?.t && node.output?.[0]) {
      const c = tensorValues(value.t, `Constant "${node.name ?? node.output[0]}"`);
      if (c.values.length === 1) scalars.set(node.output[0], c.values[0]);
    }
  }
  const graphNodes = fuseGelu(graph.node, (name) => scalars.get(name) ?? null, consumers);

  const newId = (base: string): string => {
    const clean = base.replace(/^[/.]+/, '').replace(/[^A-Za-z0-9_-]/g, '_') || 'node';
    let id = clean;
    for (let i = 2; usedIds.has(id); i++) id = `${clean}_${i}`;
    usedIds.add(id);
    return id;
  };
  const addNode = (base: string, type: string, params: Params, inputs: readonly Value[]): GraphNode => {
    const node: GraphNode = {
      id: newId(base),
      type,
      params: { ...defaultParams(type), ...params },
      position: { x: 0, y: nodes.length * 100 },
    };
    nodes.push(node);
    for (const input of inputs)
      edges.push({
        id: `e${edges.length + 1}`,
        source: input.node,
        sourcePort: 'out',
        target: node.id,
        targetPort: 'in',
      });
    return node;
  };
  /** A node's output value, with the shape its definition infers. */
  const valueOf = (node: GraphNode, inputs: readonly Value[]): Value => {
    const definition = getNodeType(node.type)!;
    const params = { ...node.params } as never;
    try {
      return {
        node: node.id,
        shape: definition.inferShape(
          params,
          inputs.map((input) => input.shape),
        ),
      };
    } catch (error) {
      throw new UnmappedOp(`the layer it becomes does not fit: ${(error as Error).message}`);
    }
  };

  // The image input: the first graph input that is not an initializer.
  const input = (graph.input ?? []).find((candidate) => !constants.has(candidate.name));
  if (!input) throw new ModelImportError('the model has no input');
  const dims = (input.type?.tensorType?.shape?.dim ?? []).map((dim) =>
    dim.dimValue ? Number(dim.dimValue) : null,
  );
  if (dims.length !== 4)
    throw new ModelImportError(
      `input "${input.name}": expected an NCHW image [N, C, H, W], got ${dims.length} dimensions`,
    );
  const channels = dims[1];
  let [height, width] = [dims[2], dims[3]];
  if (channels === null) throw new ModelImportError(`input "${input.name}": its channel count is unknown`);
  if (height === null || width === null) {
    if (!options.inputSize) throw new InputSizeNeededError(input.name, [height, width, channels]);
    [height, width] = [height ?? options.inputSize[0], width ?? options.inputSize[1]];
  }
  const inputNode = addNode(input.name || 'input', 'input', { height, width, channels }, []);
  values.set(input.name, { node: inputNode.id, shape: [height, width, channels] });

  const constant = (name: string | undefined, what: string): Constant => {
    const found = name ? constants.get(name) : undefined;
    if (!found) return unmappable(`its ${what} is not a constant`);
    return found;
  };
  const floats = (name: string | undefined, what: string): Float32Array => {
    const found = constant(name, what);
    return Float32Array.from(found.float ?? found.values);
  };
  const setWeights = (
    nodeId: string,
    onnxName: string,
    tensors: Array<[string, number[], Float32Array]>,
  ): void => {
    weights.set(
      nodeId,
      tensors.map(([part, shape, data]) => ({ name: `${onnxName}/${part}`, shape, values: data })),
    );
  };

  /** Maps one ONNX node; returns its output value, or null when it produced only constants / shapes. */
  const mapNode = (node: OnnxNode, attrs: Map<string, OnnxAttributeProto>): Value | null => {
    const name = node.name || node.output?.[0] || node.opType;
    const data = (node.input ?? []).filter((inputName) => values.has(inputName)).map((v) => values.get(v)!);
    const first = (): Value => data[0] ?? unmappable('it has no image or vector input');
    const single = (type: string, params: Params): Value => {
      const added = addNode(name, type, params, [first()]);
      const value = valueOf(added, [first()]);
      // An activation keeps a flattened vector's channels-first order for the Dense after it.
      return type === 'activation' ? { ...value, channelsFirstFrom: first().channelsFirstFrom } : value;
    };
    switch (node.opType) {
      case 'Identity':
      case 'Dropout':
        return first();
      case 'Conv': {
        const x = first();
        if (x.shape.length !== 3) unmappable('a convolution of a vector');
        const kernel = constant(node.input?.[1], 'kernel');
        const [outputs, perGroup, kh, kw] = kernel.dims;
        const group = int(attrs, 'group', 1);
        const strides = ints(attrs, 'strides') ?? [1, 1];
        const dilations = ints(attrs, 'dilations') ?? [1, 1];
        const { padding, extra } = paddingOf(attrs, x.shape, [kh, kw], strides, dilations);
        let source = x;
        if (extra) {
          const [top, left, bottom, right] = extra;
          const pad = addNode(`${name}_pad`, 'zeroPadding2d', { top, left, bottom, right }, [x]);
          source = valueOf(pad, [x]);
        }
        const bias = node.input?.[2] ? floats(node.input[2], 'bias') : null;
        const window = {
          kernelSize: size([kh, kw]),
          strides: size(strides),
          dilation: size(dilations),
          padding,
        };
        const channelsIn = source.shape[2];
        const kernelData = kernel.float ?? Float32Array.from(kernel.values);
        let added: GraphNode;
        let kernelValues: Float32Array;
        let kernelShape: number[];
        if (group === 1) {
          added = addNode(
            name,
            'conv2d',
            { filters: outputs, ...window, activation: 'none', useBias: bias !== null },
            [source],
          );
          kernelValues = convKernelFromOnnx(kernel.dims, kernelData);
          kernelShape = [kh, kw, perGroup, outputs];
        } else if (group === channelsIn && perGroup === 1) {
          added = addNode(
            name,
            'depthwiseConv2d',
            { depthMultiplier: outputs / channelsIn, ...window, activation: 'none', useBias: bias !== null },
            [source],
          );
          kernelValues = depthwiseKernelFromOnnx(kernel.dims, channelsIn, kernelData);
          kernelShape = [kh, kw, channelsIn, outputs / channelsIn];
        } else {
          return unmappable(`a grouped convolution (${group} groups of ${channelsIn} channels)`);
        }
        setWeights(added.id, name, [
          ['kernel', kernelShape, kernelValues],
          ...(bias ? [['bias', [outputs], bias] as [string, number[], Float32Array]] : []),
        ]);
        return valueOf(added, [source]);
      }
      case 'ConvTranspose': {
        const x = first();
        if (x.shape.length !== 3) unmappable('a transposed convolution of a vector');
        const kernel = constant(node.input?.[1], 'kernel');
        const [, outputs, kh, kw] = kernel.dims;
        if (int(attrs, 'group', 1) !== 1) unmappable('a grouped transposed convolution');
        if ((ints(attrs, 'dilations') ?? [1, 1]).some((d) => d !== 1))
          unmappable('a dilated transposed convolution');
        if (attrs.has('output_shape') || text(attrs, 'auto_pad', 'NOTSET') !== 'NOTSET')
          unmappable('output_shape / auto_pad (give pads and output_padding)');
        const pads = ints(attrs, 'pads') ?? [0, 0, 0, 0];
        const outputPadding = ints(attrs, 'output_padding') ?? [0, 0];
        if (!pads.every((p) => p === pads[0])) unmappable(`uneven pads [${pads}]`);
        const bias = node.input?.[2] ? floats(node.input[2], 'bias') : null;
        const params = {
          filters: outputs,
          kernelSize: size([kh, kw]),
          strides: size(ints(attrs, 'strides') ?? [1, 1]),
          padding: pads[0],
          outputPadding: size(outputPadding),
          activation: 'none',
          useBias: bias !== null,
        };
        const added = addNode(name, 'conv2dTranspose', params, [x]);
        // ONNX [in, out, kh, kw] read as a conv kernel is tfjs's [kh, kw, out, in].
        const values = convKernelFromOnnx(kernel.dims, kernel.float ?? Float32Array.from(kernel.values));
        setWeights(added.id, name, [
          ['kernel', [kh, kw, outputs, kernel.dims[0]], values],
          ...(bias ? [['bias', [outputs], bias] as [string, number[], Float32Array]] : []),
        ]);
        return valueOf(added, [x]);
      }
      case 'BatchNormalization': {
        const [scale, shift, mean, variance] = [1, 2, 3, 4].map((i) =>
          floats(node.input?.[i], ['', 'scale', 'bias', 'mean', 'variance'][i]),
        );
        const added = addNode(
          name,
          'batchNorm',
          { momentum: float(attrs, 'momentum', 0.9), epsilon: float(attrs, 'epsilon', 1e-5) },
          [first()],
        );
        const c = scale.length;
        const order = first().channelsFirstFrom;
        if (order) {
          // Batch norm of a channels-first flattened vector: its features in the engine's order.
          const perm = flattenPermutation(order);
          for (const vector of [scale, shift, mean, variance]) {
            const copy = Float32Array.from(vector);
            perm.forEach((ours, theirs) => (vector[ours] = copy[theirs]));
          }
        }
        setWeights(added.id, name, [
          ['gamma', [c], scale],
          ['beta', [c], shift],
          ['moving_mean', [c], mean],
          ['moving_variance', [c], variance],
        ]);
        return { ...valueOf(added, [first()]), channelsFirstFrom: order };
      }
      case 'Relu':
        return single('activation', { fn: 'relu', alpha: 0 });
      case 'Clip': {
        const bound = (index: number, attr: string, fallback: number): number =>
          node.input?.[index] ? constant(node.input[index], attr).values[0] : float(attrs, attr, fallback);
        const [low, high] = [bound(1, 'min', -Infinity), bound(2, 'max', Infinity)];
        if (low === 0 && high === 6) return single('activation', { fn: 'relu6', alpha: 0 });
        if (low === 0 && high === Infinity) return single('activation', { fn: 'relu', alpha: 0 });
        return unmappable(`clipping to [${low}, ${high}] (relu6 is [0, 6])`);
      }
      case 'LeakyRelu':
        return single('activation', { fn: 'leakyRelu', alpha: float(attrs, 'alpha', 0.01) });
      case 'Elu':
        return single('activation', { fn: 'elu', alpha: float(attrs, 'alpha', 1) });
      case 'Selu':
        return single('activation', { fn: 'selu', alpha: 0 });
      case 'Sigmoid':
        return single('activation', { fn: 'sigmoid', alpha: 0 });
      case 'Gelu': {
        // Opset 20's op, or the erf formula fused into it (fuse-gelu.ts). CNN Studio's GELU is the exact form.
        const approximate = text(attrs, 'approximate', 'none');
        if (approximate !== 'none')
          return unmappable(`GELU with approximate="${approximate}" (CNN Studio's is exact)`);
        return single('activation', { fn: 'gelu', alpha: 0 });
      }
      case 'Tanh':
        return single('activation', { fn: 'tanh', alpha: 0 });
      case 'Softplus':
        return single('activation', { fn: 'softplus', alpha: 0 });
      case 'HardSwish':
        return single('activation', { fn: 'hardSwish', alpha: 0 });
      case 'HardSigmoid': {
        const [alpha, beta] = [float(attrs, 'alpha', 0.2), float(attrs, 'beta', 0.5)];
        if (Math.abs(alpha - 1 / 6) > 1e-6 || beta !== 0.5)
          unmappable(`hard sigmoid ${alpha}·x + ${beta} (CNN Studio's is x / 6 + 0.5)`);
        return single('activation', { fn: 'hardSigmoid', alpha: 0 });
      }
      case 'Softmax': {
        const x = first();
        const opset = model.opsetImport?.find((o) => !o.domain)?.version ?? 13;
        const axis = int(attrs, 'axis', opset >= 13 ? -1 : 1);
        const rank = x.shape.length + 1;
        if ((axis + rank) % rank !== 1 && !(rank === 2 && (axis === -1 || axis === 1)))
          unmappable(`softmax over axis ${axis} (CNN Studio's is over the channels / features)`);
        return single('activation', { fn: 'softmax', alpha: 0 });
      }
      case 'MaxPool':
      case 'AveragePool': {
        const x = first();
        const kernel = ints(attrs, 'kernel_shape') ?? unmappable('no kernel_shape');
        const strides = ints(attrs, 'strides') ?? [1, 1];
        if ((ints(attrs, 'dilations') ?? [1, 1]).some((d) => d !== 1)) unmappable('dilated pooling');
        const window = paddingOf(attrs, x.shape, kernel, strides, [1, 1]);
        let padding = window.padding;
        if (window.extra) unmappable(`uneven pads [${ints(attrs, 'pads')}]`);
        const average = node.opType === 'AveragePool';
        if (
          average &&
          typeof padding === 'number' &&
          padding > 0 &&
          int(attrs, 'count_include_pad', 0) === 0
        ) {
          // Padding left out of the average is TensorFlow's 'same' when the pads are its pads.
          const same = windowPads('same', x.shape, size(kernel), size(strides));
          if (same.every((p) => p === padding)) padding = 'same';
          else unmappable('average pooling that leaves padding out of the average (count_include_pad 0)');
        }
        const params = { poolSize: size(kernel), strides: size(strides), padding };
        if (int(attrs, 'ceil_mode', 0) === 1) {
          // Ceil mode differs from floor only when a last window would start in the padding-free remainder.
          const floor = valueOf(
            { id: '', type: average ? 'avgPool2d' : 'maxPool2d', params, position: { x: 0, y: 0 } },
            [x],
          );
          const pads = windowPads(padding, x.shape, size(kernel), size(strides));
          const ceilH = Math.ceil((x.shape[0] + pads[0] + pads[2] - kernel[0]) / strides[0]) + 1;
          const ceilW = Math.ceil((x.shape[1] + pads[1] + pads[3] - kernel[1]) / strides[1]) + 1;
          if (ceilH !== floor.shape[0] || ceilW !== floor.shape[1])
            unmappable('ceil_mode 1 with a partial last window');
        }
        return single(average ? 'avgPool2d' : 'maxPool2d', params);
      }
      case 'GlobalAveragePool':
        return single('globalAvgPool2d', {});
      case 'GlobalMaxPool':
        return single('globalMaxPool2d', {});
      case 'Transpose': {
        const perm = ints(attrs, 'perm') ?? [];
        if (first().reshapedNhwc && perm.join() === '0,3,1,2') return { ...first(), reshapedNhwc: false };
        if (first().shape.length === 3 && perm.join() === '0,2,3,1' && consumers.get(node.output![0]) === 1)
          return { ...first(), nhwc: true };
        return unmappable(`transposing axes [${perm}]`);
      }
      case 'Flatten':
      case 'Reshape': {
        const x = first();
        if (node.opType === 'Flatten' && int(attrs, 'axis', 1) !== 1)
          unmappable(`flattening from axis ${int(attrs, 'axis', 1)}`);
        if (node.opType === 'Reshape') {
          const target =
            shapes.get(node.input?.[1] ?? '') ?? Array.from(constant(node.input?.[1], 'shape').values);
          if (
            target.length === 4 &&
            (x.nhwc || x.shape.length === 1) &&
            consumers.get(node.output![0]) === 1
          ) {
            // A reshape in channels-last order (NHWC data, or a vector), as CNN Studio writes its Reshape.
            const [height, width, channels] = target.slice(1).map((d) => (d === null || d === 0 ? -1 : d));
            return { ...single('reshape', { height, width, channels }), reshapedNhwc: true };
          }
          const features = x.shape.reduce((a, b) => a * b, 1);
          const ok =
            target.length === 2 &&
            (target[0] === null || target[0] === 0 || target[0] === -1 || target[0] === 1) &&
            (target[1] === -1 || target[1] === features);
          if (!ok)
            unmappable(`reshaping to [${target.map((v) => v ?? 'N')}] (only flattening to [N, features])`);
        }
        if (x.shape.length === 1) return x;
        const flat = single('flatten', {});
        const [h, w, c] = x.shape;
        return x.nhwc || h * w === 1 || c === 1 ? flat : { ...flat, channelsFirstFrom: [h, w, c] };
      }
      case 'Gemm':
      case 'MatMul': {
        const x = first();
        if (x.shape.length !== 1) unmappable('a matrix product of an image (flatten it first)');
        const b = constant(node.input?.[1], 'weight matrix');
        if (b.dims.length !== 2) unmappable(`a weight of ${b.dims.length} dimensions`);
        const transB = node.opType === 'Gemm' ? int(attrs, 'transB', 0) : 0;
        if (node.opType === 'Gemm' && (int(attrs, 'transA', 0) !== 0 || float(attrs, 'alpha', 1) !== 1))
          unmappable('Gemm with transA or alpha ≠ 1');
        const [inputs, units] = transB ? [b.dims[1], b.dims[0]] : b.dims;
        const data = b.float ?? Float32Array.from(b.values);
        const kernel = new Float32Array(inputs * units);
        const order = x.channelsFirstFrom ? flattenPermutation(x.channelsFirstFrom) : null;
        for (let t = 0; t < inputs; t++) {
          const row = order ? order[t] : t;
          for (let o = 0; o < units; o++)
            kernel[row * units + o] = transB ? data[o * inputs + t] : data[t * units + o];
        }
        let bias: Float32Array | null = null;
        if (node.opType === 'Gemm' && node.input?.[2]) {
          bias = floats(node.input[2], 'bias');
          if (float(attrs, 'beta', 1) !== 1 || bias.length !== units)
            unmappable('a bias that is not one value per unit');
        }
        const added = addNode(name, 'dense', { units, activation: 'none', useBias: bias !== null }, [x]);
        setWeights(added.id, name, [
          ['kernel', [inputs, units], kernel],
          ...(bias ? [['bias', [units], bias] as [string, number[], Float32Array]] : []),
        ]);
        return valueOf(added, [x]);
      }
      case 'Add':
      case 'Sum':
      case 'Mul': {
        const onConstant = (node.input ?? []).find((inputName) => constants.has(inputName));
        if (onConstant !== undefined) {
          // A bias after MatMul folds into its dense layer.
          const x = first();
          const dense = nodes.find((candidate) => candidate.id === x.node);
          const bias = constants.get(onConstant)!;
          if (
            node.opType === 'Add' &&
            dense?.type === 'dense' &&
            dense.params.useBias === false &&
            bias.values.length === dense.params.units &&
            consumers.get(node.input![0] === onConstant ? node.input![1] : node.input![0]) === 1
          ) {
            dense.params.useBias = true;
            weights.get(dense.id)!.push({
              name: `${name}/bias`,
              shape: [bias.values.length],
              values: Float32Array.from(bias.values),
            });
            return x;
          }
          return unmappable('an element-wise operation with a constant');
        }
        if (data.length < 2) unmappable('fewer than two inputs');
        // x · sigmoid(x) is swish, x · hardSigmoid(x) hard swish: the gate node becomes that activation.
        if (node.opType === 'Mul' && data.length === 2) {
          for (const [gate, x] of [
            [data[0], data[1]],
            [data[1], data[0]],
          ]) {
            const gateNode = nodes.find((candidate) => candidate.id === gate.node);
            const into = edges.find((edge) => edge.target === gate.node);
            const fn = gateNode?.type === 'activation' ? gateNode.params.fn : null;
            if (
              (fn === 'sigmoid' || fn === 'hardSigmoid') &&
              into?.source === x.node &&
              gate.shape.join() === x.shape.join()
            ) {
              const gateOutput = node.input!.find((inputName) => values.get(inputName)?.node === gate.node)!;
              if (consumers.get(gateOutput) === 1) {
                gateNode!.params.fn = fn === 'sigmoid' ? 'swish' : 'hardSwish';
                return gate;
              }
            }
          }
        }
        const added = addNode(name, node.opType === 'Mul' ? 'multiply' : 'add', {}, data);
        return valueOf(added, data);
      }
      case 'Concat': {
        const axis = int(attrs, 'axis', 1);
        const rank = first().shape.length + 1;
        if ((axis + rank) % rank !== 1)
          unmappable(`concatenation on axis ${axis} (CNN Studio concatenates channels)`);
        const added = addNode(name, 'concat', {}, data);
        return valueOf(added, data);
      }
      case 'Pad': {
        const mode = text(attrs, 'mode', 'constant');
        const pads = node.input?.[1]
          ? Array.from(constant(node.input[1], 'pads').values)
          : (ints(attrs, 'pads') ?? []);
        const fill = node.input?.[2] ? constant(node.input[2], 'value').values[0] : float(attrs, 'value', 0);
        if (mode !== 'constant' || fill !== 0) unmappable(`${mode} padding with ${fill}`);
        if (pads.every((p) => p === 0)) return first();
        if (pads.length !== 8 || pads[0] || pads[1] || pads[4] || pads[5] || pads.some((p) => p < 0))
          unmappable(`pads [${pads}] (only zeros around the image)`);
        return single('zeroPadding2d', { top: pads[2], left: pads[3], bottom: pads[6], right: pads[7] });
      }
      case 'Slice': {
        const x = first();
        if (x.shape.length !== 3) return unmappable('slicing a vector');
        const [starts, ends] = [1, 2].map((i) => Array.from(constant(node.input?.[i], 'bounds').values));
        const axes = node.input?.[3]
          ? Array.from(constant(node.input[3], 'axes').values)
          : starts.map((_, i) => i);
        const crop = { top: 0, bottom: 0, left: 0, right: 0 };
        axes.forEach((axis, i) => {
          const extent =
            axis === 2 || axis === -2
              ? x.shape[0]
              : axis === 3 || axis === -1
                ? x.shape[1]
                : unmappable(`slicing axis ${axis}`);
          const end = Math.min(ends[i] < 0 ? extent + ends[i] : ends[i], extent);
          if (axis === 2 || axis === -2) Object.assign(crop, { top: starts[i], bottom: extent - end });
          else Object.assign(crop, { left: starts[i], right: extent - end });
        });
        return single('cropping2d', crop);
      }
      case 'Resize':
      case 'Upsample': {
        const x = first();
        if (x.shape.length !== 3) return unmappable('resizing a vector');
        const mode = text(attrs, 'mode', 'nearest');
        const transform = text(
          attrs,
          'coordinate_transformation_mode',
          node.opType === 'Upsample' ? 'asymmetric' : 'half_pixel',
        );
        const inputsList = node.input ?? [];
        const scalesName = node.opType === 'Upsample' ? inputsList[1] : inputsList[2];
        const sizesName = inputsList[3];
        let out: [number, number];
        if (sizesName) {
          const sizes = shapes.get(sizesName) ?? Array.from(constant(sizesName, 'sizes').values);
          out = [Number(sizes[2]), Number(sizes[3])];
        } else if (scalesName && constants.get(scalesName)?.values.length) {
          const scales = constants.get(scalesName)!.values;
          out = [Math.floor(x.shape[0] * scales[2]), Math.floor(x.shape[1] * scales[3])];
        } else return unmappable('sizes or scales that are not constants');
        const nearestMode = text(attrs, 'nearest_mode', 'round_prefer_floor');
        const whole = out[0] % x.shape[0] === 0 && out[1] % x.shape[1] === 0;
        if (mode === 'nearest') {
          if (!whole) unmappable('nearest resizing by a fraction');
          if (transform !== 'asymmetric' || (nearestMode !== 'floor' && node.opType === 'Resize'))
            unmappable(
              `nearest resizing with ${transform} coordinates and ${nearestMode} rounding (whole-factor upsampling repeats pixels)`,
            );
          return single('upSampling2d', {
            size: size([out[0] / x.shape[0], out[1] / x.shape[1]]),
            interpolation: 'nearest',
          });
        }
        if (mode !== 'linear') unmappable(`${mode} interpolation`);
        if (transform !== 'asymmetric')
          unmappable(
            `bilinear resizing with ${transform} coordinates (CNN Studio samples as TensorFlow.js: asymmetric, without half-pixel centres)`,
          );
        return whole
          ? single('upSampling2d', {
              size: size([out[0] / x.shape[0], out[1] / x.shape[1]]),
              interpolation: 'bilinear',
            })
          : single('resize', { height: out[0], width: out[1] });
      }
      default:
        return unmappable(`no CNN Studio node for the ONNX op ${node.opType}`);
    }
  };

  /** Shape arithmetic (Shape → Gather / Slice / Unsqueeze / Concat) and constants; true when the node was one. */
  const evaluate = (node: OnnxNode, attrs: Map<string, OnnxAttributeProto>): boolean => {
    const out = node.output?.[0] ?? '';
    const inputs = node.input ?? [];
    const shapeOf = (name: string): ShapeValue | null => {
      if (shapes.has(name)) return shapes.get(name)!;
      const c = constants.get(name);
      return c ? Array.from(c.values) : null;
    };
    // An op on constants only (F.pad's pads, a weight reshaped in forward) is folded to a constant.
    if (
      node.opType !== 'Constant' &&
      inputs.length > 0 &&
      inputs.every((name) => name === '' || constants.has(name))
    ) {
      const foldAttrs: FoldAttributes = {
        int: (name, fallback) => int(attrs, name, fallback),
        ints: (name) => ints(attrs, name),
        tensor: (name) => {
          const t = attrs.get(name)?.t;
          return t ? tensorValues(t, `${node.opType} "${node.name ?? out}" ${name}`) : undefined;
        },
      };
      let folded: Constant | null;
      try {
        folded = foldConstantOp(
          node.opType,
          inputs.map((name) => (name === '' ? undefined : constants.get(name))),
          foldAttrs,
        );
      } catch {
        // Inputs this op cannot take: the mapper below lists the node as not imported.
        folded = null;
      }
      if (folded) {
        constants.set(out, folded);
        return true;
      }
    }
    switch (node.opType) {
      case 'Constant': {
        const value = attrs.get('value');
        if (value?.t) constants.set(out, tensorValues(value.t, `Constant "${node.name ?? out}"`));
        else if (attrs.has('value_float'))
          constants.set(out, {
            dims: [],
            values: Float64Array.of(float(attrs, 'value_float', 0)),
            float: Float32Array.of(float(attrs, 'value_float', 0)),
          });
        else if (attrs.has('value_int'))
          constants.set(out, { dims: [], values: Float64Array.of(int(attrs, 'value_int', 0)), float: null });
        else if (attrs.has('value_ints')) {
          const v = ints(attrs, 'value_ints')!;
          constants.set(out, { dims: [v.length], values: Float64Array.from(v), float: null });
        } else return false;
        return true;
      }
      case 'Identity': {
        // torch writes shared weights as Identity of one initializer.
        const c = constants.get(inputs[0]);
        if (c) constants.set(out, c);
        else if (shapes.has(inputs[0])) shapes.set(out, shapes.get(inputs[0])!);
        return c !== undefined || shapes.has(out);
      }
      case 'Shape': {
        const x = values.get(inputs[0]);
        if (!x) return false;
        shapes.set(
          out,
          x.shape.length === 3 ? [null, x.shape[2], x.shape[0], x.shape[1]] : [null, ...x.shape],
        );
        return true;
      }
      case 'Gather': {
        const source = shapes.get(inputs[0]);
        const index = constants.get(inputs[1]);
        if (!source || !index || int(attrs, 'axis', 0) !== 0) return false;
        const picked = Array.from(index.values).map((i) => source[i < 0 ? source.length + i : i]);
        // Sizes known here (not the batch) are constants: the arithmetic torch traces on them
        // (TensorFlow 'same' pads computed in forward) then folds.
        if (picked.every((size) => size !== null))
          constants.set(out, {
            dims: index.dims,
            values: Float64Array.from(picked as number[]),
            float: null,
          });
        else shapes.set(out, picked);
        return true;
      }
      case 'Unsqueeze':
      case 'Squeeze':
      case 'Cast': {
        const source = shapeOf(inputs[0]);
        if (!source || !shapes.has(inputs[0])) return false;
        shapes.set(out, source);
        return true;
      }
      case 'Slice': {
        const source = shapes.get(inputs[0]);
        if (!source) return false;
        const [start, end] = [1, 2].map((i) => constants.get(inputs[i])?.values[0] ?? 0);
        shapes.set(out, source.slice(start, Math.min(end, source.length)));
        return true;
      }
      case 'Concat': {
        const parts = inputs.map(shapeOf);
        if (!inputs.some((name) => shapes.has(name)) || parts.some((part) => part === null)) return false;
        shapes.set(
          out,
          parts.flatMap((part) => part!),
        );
        return true;
      }
      default:
        return false;
    }
  };

  for (const node of graphNodes) {
    const attrs = attributes(node);
    if (evaluate(node, attrs)) continue;
    const name = node.name || node.output?.[0] || node.opType;
    try {
      const value = mapNode(node, attrs);
      if (value) values.set(node.output?.[0] ?? '', value);
    } catch (error) {
      if (!(error instanceof UnmappedOp)) throw error;
      unmapped.push(`${name} (${node.opType}): ${error.message}`);
      const dataInputs = (node.input ?? []).filter((inputName) => values.has(inputName));
      leftOut.push({
        name,
        opType: node.opType,
        reason: error.message,
        input: dataInputs.length === 1 ? values.get(dataInputs[0])!.node : null,
      });
      // Wired through where it has one data input, so what follows stays connected.
      if (dataInputs.length === 1) values.set(node.output?.[0] ?? '', values.get(dataInputs[0])!);
    }
  }
  const output = (graph.output ?? [])[0];
  if (output && !values.has(output.name))
    throw new ModelImportError(
      `the model's output "${output.name}" is not reached by any layer CNN Studio took`,
    );

  const meta: Record<string, unknown> = { importedFrom: 'onnx' };
  if (leftOut.length > 0) meta[ONNX_UNMAPPED_META_KEY] = leftOut;
  return {
    document: {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name: options.name ?? (graph.name || 'Imported ONNX model'),
      description:
        unmapped.length > 0
          ? `Imported from ONNX; ${unmapped.length} op(s) had no CNN Studio node.`
          : `Imported from ONNX${model.producerName ? ` (written by ${model.producerName})` : ''}.`,
      nodes,
      edges,
      training: { ...DEFAULT_TRAINING },
      layout: { direction: 'TB' },
      meta,
    },
    unmapped,
    weights,
  };
}
