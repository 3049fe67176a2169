/**
 * Evaluates ONNX ops whose inputs are all constants, as an importer must: `torch.onnx.export`
 * writes a Python-side computation into the graph as ops on constants. `F.pad(x, pads)`
 * becomes Shape → Gather → Mul/Sub → ConstantOfShape → Concat → Reshape → Slice (step −1) →
 * Transpose → Reshape → Cast feeding Pad's `pads`; a weight reshaped in `forward` becomes
 * Transpose → Reshape of an initializer. Folded here, Pad and Conv see plain constants.
 *
 * Values are kept as float64 (int64 shape arithmetic is exact to 2^53), with the float32
 * view of float tensors alongside. Ops not listed here are left to the importer.
 */
import { TensorType } from './proto';

/** ONNX's integer and bool element types (TensorProto.DataType): casts to these truncate. */
const INTEGER_TYPES: ReadonlySet<number> = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

/** A constant tensor: dims, values in row-major order, and its float32 values when it is a float tensor. */
export interface ConstantTensor {
  dims: number[];
  values: Float64Array;
  float: Float32Array | null;
}

/** The attribute slice read here (protobufjs's decoded AttributeProto). */
export interface FoldAttributes {
  int(name: string, fallback: number): number;
  ints(name: string): number[] | undefined;
  tensor(name: string): ConstantTensor | undefined;
}

const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length).fill(1);
  for (let axis = dims.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1] * dims[axis + 1];
  return strides;
}

const axisOf = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function make(dims: number[], values: Float64Array, isFloat: boolean): ConstantTensor {
  return { dims, values, float: isFloat ? Float32Array.from(values) : null };
}

/** numpy broadcasting of two or more tensors, combining element by element. */
function elementwise(
  inputs: readonly ConstantTensor[],
  combine: (values: number[]) => number,
  integer: boolean,
): ConstantTensor {
  const rank = Math.max(...inputs.map((t) => t.dims.length));
  const padded = inputs.map((t) => [...new Array<number>(rank - t.dims.length).fill(1), ...t.dims]);
  const dims = Array.from({ length: rank }, (_, axis) => Math.max(...padded.map((d) => d[axis])));
  for (const d of padded)
    if (d.some((n, axis) => n !== 1 && n !== dims[axis]))
      throw new Error(`shapes [${inputs.map((t) => t.dims).join('] and [')}] do not broadcast`);
  const strides = padded.map((d) => {
    const own = stridesOf(d);
    return own.map((stride, axis) => (d[axis] === 1 ? 0 : stride));
  });
  const out = new Float64Array(sizeOf(dims));
  const outStrides = stridesOf(dims);
  for (let flat = 0; flat < out.length; flat++) {
    const args = inputs.map((t, i) => {
      let offset = 0;
      for (let axis = 0; axis < rank; axis++)
        offset += (Math.floor(flat / outStrides[axis]) % dims[axis]) * strides[i][axis];
      return t.values[offset];
    });
    const value = combine(args);
    out[flat] = integer ? Math.trunc(value) : value;
  }
  return make(dims, out, !integer);
}

/** Copies the elements of `t` at the given multi-index ranges into a new tensor of `dims`. */
function gatherIndex(
  t: ConstantTensor,
  dims: number[],
  sourceIndex: (index: number[]) => number,
): Float64Array {
  const out = new Float64Array(sizeOf(dims));
  const strides = stridesOf(dims);
  const index = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < out.length; flat++) {
    for (let axis = 0; axis < dims.length; axis++)
      index[axis] = Math.floor(flat / strides[axis]) % dims[axis];
    out[flat] = t.values[sourceIndex(index)];
  }
  return out;
}

function slice(x: ConstantTensor, inputs: readonly (ConstantTensor | undefined)[]): ConstantTensor {
  const [starts, ends, axesInput, stepsInput] = inputs.map((t) => (t ? Array.from(t.values) : undefined));
  if (!starts || !ends) throw new Error('Slice without starts and ends');
  const rank = x.dims.length;
  const axes = (axesInput ?? starts.map((_, i) => i)).map((axis) => axisOf(axis, rank));
  const steps = stepsInput ?? starts.map(() => 1);
  const first = x.dims.map(() => 0);
  const step = x.dims.map(() => 1);
  const dims = [...x.dims];
  axes.forEach((axis, i) => {
    const size = x.dims[axis];
    const s = steps[i];
    if (s === 0) throw new Error('Slice step 0');
    const clampIndex = (value: number, low: number, high: number) =>
      Math.min(Math.max(value < 0 ? value + size : value, low), high);
    const begin = s > 0 ? clampIndex(starts[i], 0, size) : clampIndex(starts[i], -1, size - 1);
    const end = s > 0 ? clampIndex(ends[i], 0, size) : clampIndex(ends[i], -1, size - 1);
    first[axis] = begin;
    step[axis] = s;
    dims[axis] = Math.max(0, Math.ceil((end - begin) / s));
  });
  const strides = stridesOf(x.dims);
  const values = gatherIndex(x, dims, (index) =>
    index.reduce((offset, i, axis) => offset + (first[axis] + i * step[axis]) * strides[axis], 0),
  );
  return make(dims, values, x.float !== null);
}

function reshape(x: ConstantTensor, shape: readonly number[]): ConstantTensor {
  const dims = shape.map((n, axis) => (n === 0 ? x.dims[axis] : n));
  const known = dims.filter((n) => n !== -1).reduce((a, b) => a * b, 1);
  const inferred = dims.map((n) => (n === -1 ? x.values.length / known : n));
  if (sizeOf(inferred) !== x.values.length || inferred.some((n) => !Number.isInteger(n)))
    throw new Error(`cannot reshape [${x.dims}] to [${shape}]`);
  return { dims: inferred, values: x.values, float: x.float };
}

/**
 * The output of `opType` on constant `inputs` (a missing optional input is undefined), or null
 * when the op is not one folded here.
 *
 * @throws Error when the op cannot apply to these inputs (the importer names the node).
 */
export function foldConstantOp(
  opType: string,
  inputs: readonly (ConstantTensor | undefined)[],
  attrs: FoldAttributes,
): ConstantTensor | null {
  const x = inputs[0];
  const isInteger = (t: ConstantTensor | undefined) => t !== undefined && t.float === null;
  switch (opType) {
    case 'Shape': {
      if (!x) return null;
      const rank = x.dims.length;
      const start = axisOf(attrs.int('start', 0), rank);
      const end = attrs.ints('end') === undefined ? rank : axisOf(attrs.int('end', rank), rank);
      const dims = x.dims.slice(Math.max(0, start), Math.min(rank, end));
      return make([dims.length], Float64Array.from(dims), false);
    }
    case 'Gather': {
      const indices = inputs[1];
      if (!x || !indices) return null;
      const axis = axisOf(attrs.int('axis', 0), x.dims.length);
      const dims = [...x.dims.slice(0, axis), ...indices.dims, ...x.dims.slice(axis + 1)];
      const strides = stridesOf(x.dims);
      const indexRank = indices.dims.length;
      const indexStrides = stridesOf(indices.dims);
      const values = gatherIndex(x, dims, (index) => {
        const at = index.slice(axis, axis + indexRank);
        const flatIndex = at.reduce((offset, i, k) => offset + i * indexStrides[k], 0);
        const picked = axisOf(indices.values[flatIndex], x.dims[axis]);
        const full = [...index.slice(0, axis), picked, ...index.slice(axis + indexRank)];
        return full.reduce((offset, i, k) => offset + i * strides[k], 0);
      });
      return make(dims, values, x.float !== null);
    }
    case 'Unsqueeze': {
      if (!x) return null;
      const axes = inputs[1] ? Array.from(inputs[1].values) : (attrs.ints('axes') ?? []);
      const rank = x.dims.length + axes.length;
      const inserted = new Set(axes.map((axis) => axisOf(axis, rank)));
      const dims: number[] = [];
      let next = 0;
      for (let axis = 0; axis < rank; axis++) dims.push(inserted.has(axis) ? 1 : x.dims[next++]);
      return { dims, values: x.values, float: x.float };
    }
    case 'Squeeze': {
      if (!x) return null;
      const axes = inputs[1] ? Array.from(inputs[1].values) : attrs.ints('axes');
      const removed = new Set(
        (axes ?? x.dims.flatMap((n, axis) => (n === 1 ? [axis] : []))).map((a) => axisOf(a, x.dims.length)),
      );
      return { dims: x.dims.filter((_, axis) => !removed.has(axis)), values: x.values, float: x.float };
    }
    case 'Cast': {
      if (!x) return null;
      const to = attrs.int('to', TensorType.FLOAT);
      if (INTEGER_TYPES.has(to)) return make(x.dims, x.values.map(Math.trunc), false);
      return make(x.dims, Float64Array.from(x.values), true);
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const y = inputs[1];
      if (!x || !y) return null;
      const integer = isInteger(x) && isInteger(y);
      const combine = {
        Add: ([a, b]: number[]) => a + b,
        Sub: ([a, b]: number[]) => a - b,
        Mul: ([a, b]: number[]) => a * b,
        Div: ([a, b]: number[]) => a / b,
      }[opType];
      return elementwise([x, y], combine, integer);
    }
    case 'Max':
    case 'Min': {
      const present = inputs.filter((t): t is ConstantTensor => t !== undefined);
      if (present.length === 0) return null;
      const pick = opType === 'Max' ? Math.max : Math.min;
      return elementwise(present, (values) => pick(...values), present.every(isInteger));
    }
    case 'Neg':
      return x ? elementwise([x], ([a]) => -a, isInteger(x)) : null;
    case 'ConstantOfShape': {
      if (!x) return null;
      const value = attrs.tensor('value');
      const dims = Array.from(x.values);
      return make(
        dims,
        new Float64Array(sizeOf(dims)).fill(value?.values[0] ?? 0),
        value ? value.float !== null : true,
      );
    }
    case 'Concat': {
      const present = inputs.filter((t): t is ConstantTensor => t !== undefined);
      if (present.length === 0) return null;
      const rank = present[0].dims.length;
      const axis = axisOf(attrs.int('axis', 0), rank);
      const dims = [...present[0].dims];
      dims[axis] = present.reduce((sum, t) => sum + t.dims[axis], 0);
      const outer = sizeOf(dims.slice(0, axis));
      const values = new Float64Array(sizeOf(dims));
      let at = 0;
      for (let o = 0; o < outer; o++)
        for (const t of present) {
          const block = sizeOf(t.dims.slice(axis));
          values.set(t.values.subarray(o * block, (o + 1) * block), at);
          at += block;
        }
      return make(
        dims,
        values,
        present.every((t) => t.float !== null),
      );
    }
    case 'Reshape':
      return x && inputs[1] ? reshape(x, Array.from(inputs[1].values)) : null;
    case 'Flatten': {
      if (!x) return null;
      const axis = axisOf(attrs.int('axis', 1), x.dims.length);
      return {
        dims: [sizeOf(x.dims.slice(0, axis)), sizeOf(x.dims.slice(axis))],
        values: x.values,
        float: x.float,
      };
    }
    case 'Slice':
      return x ? slice(x, inputs.slice(1)) : null;
    case 'Transpose': {
      if (!x) return null;
      const perm = attrs.ints('perm') ?? x.dims.map((_, axis) => x.dims.length - 1 - axis);
      const dims = perm.map((axis) => x.dims[axis]);
      const strides = stridesOf(x.dims);
      const values = gatherIndex(x, dims, (index) =>
        index.reduce((offset, i, k) => offset + i * strides[perm[k]], 0),
      );
      return make(dims, values, x.float !== null);
    }
    default:
      return null;
  }
}
