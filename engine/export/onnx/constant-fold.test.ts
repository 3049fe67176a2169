import { describe, expect, it } from 'vitest';
import { foldConstantOp, type ConstantTensor, type FoldAttributes } from './constant-fold';

const int = (dims: number[], values: number[]): ConstantTensor => ({
  dims,
  values: Float64Array.from(values),
  float: null,
});
const float = (dims: number[], values: number[]): ConstantTensor => ({
  dims,
  values: Float64Array.from(values),
  float: Float32Array.from(values),
});

function attrs(values: Record<string, number | number[] | ConstantTensor> = {}): FoldAttributes {
  return {
    int: (name, fallback) => (typeof values[name] === 'number' ? (values[name] as number) : fallback),
    ints: (name) => (Array.isArray(values[name]) ? (values[name] as number[]) : undefined),
    tensor: (name) =>
      typeof values[name] === 'object' && !Array.isArray(values[name])
        ? (values[name] as ConstantTensor)
        : undefined,
  };
}

const fold = (op: string, inputs: Array<ConstantTensor | undefined>, a = attrs()) => {
  const result = foldConstantOp(op, inputs, a)!;
  return { dims: result.dims, values: Array.from(result.values), isFloat: result.float !== null };
};

describe('foldConstantOp', () => {
  it("folds torch's F.pad lowering: [left, right, top, bottom] becomes ONNX pads for NCHW", () => {
    // torch 1.13's symbolic for F.pad(x, [0, 1, 0, 1]) on a 4-d input, op by op.
    const pads = int([4], [0, 1, 0, 1]);
    const length = fold('Shape', [pads]);
    expect(length).toEqual({ dims: [1], values: [4], isFloat: false });
    const count = foldConstantOp('Gather', [int([1], [4]), int([], [0])], attrs())!;
    expect(count.dims).toEqual([]);
    const missing = foldConstantOp(
      'Sub',
      [foldConstantOp('Mul', [int([], [2]), int([], [4])], attrs())!, count],
      attrs(),
    )!;
    const zeros = foldConstantOp(
      'ConstantOfShape',
      [{ ...missing, dims: [1] }],
      attrs({ value: int([1], [0]) }),
    )!;
    expect(Array.from(zeros.values)).toEqual([0, 0, 0, 0]);
    const all = foldConstantOp('Concat', [pads, zeros], attrs({ axis: 0 }))!;
    const pairs = foldConstantOp('Reshape', [all, int([2], [-1, 2])], attrs())!;
    expect(pairs.dims).toEqual([4, 2]);
    // Reverse the pairs (step −1 from the end), then interleave begins and ends.
    const reversed = foldConstantOp(
      'Slice',
      [pairs, int([1], [-1]), int([1], [-9.223372036854776e18]), int([1], [0]), int([1], [-1])],
      attrs(),
    )!;
    expect(Array.from(reversed.values)).toEqual([0, 0, 0, 0, 0, 1, 0, 1]);
    const transposed = foldConstantOp('Transpose', [reversed], attrs({ perm: [1, 0] }))!;
    const onnxPads = fold(
      'Cast',
      [foldConstantOp('Reshape', [transposed, int([1], [-1])], attrs())!],
      attrs({ to: 7 }),
    );
    // ONNX order: [N begin, C begin, H begin (top), W begin (left), N end, C end, H end, W end].
    expect(onnxPads).toEqual({ dims: [8], values: [0, 0, 0, 0, 0, 0, 1, 1], isFloat: false });
  });

  it('folds a weight turned in forward: Transpose then Reshape with 0 and −1', () => {
    const weight = float([2, 3], [1, 2, 3, 4, 5, 6]);
    const turned = fold('Transpose', [weight]);
    expect(turned).toEqual({ dims: [3, 2], values: [1, 4, 2, 5, 3, 6], isFloat: true });
    expect(fold('Reshape', [foldConstantOp('Transpose', [weight], attrs())!, int([3], [0, -1, 1])])).toEqual({
      dims: [3, 2, 1],
      values: [1, 4, 2, 5, 3, 6],
      isFloat: true,
    });
    expect(() => foldConstantOp('Reshape', [weight, int([1], [4])], attrs())).toThrow(
      /cannot reshape \[2,3\] to \[4\]/,
    );
  });

  it('does integer shape arithmetic as ONNX does (division truncates), broadcasting scalars', () => {
    expect(fold('Div', [int([2], [7, -7]), int([], [2])]).values).toEqual([3, -3]);
    expect(fold('Div', [float([1], [7]), float([], [2])]).values).toEqual([3.5]);
    expect(fold('Neg', [int([2], [3, -4])]).values).toEqual([-3, 4]);
    expect(fold('Max', [int([3], [1, 5, -2]), int([], [0])]).values).toEqual([1, 5, 0]);
    expect(fold('Add', [int([2, 1], [1, 2]), int([3], [10, 20, 30])])).toEqual({
      dims: [2, 3],
      values: [11, 21, 31, 12, 22, 32],
      isFloat: false,
    });
    expect(() => foldConstantOp('Add', [int([2], [1, 2]), int([3], [1, 2, 3])], attrs())).toThrow(
      /do not broadcast/,
    );
    expect(fold('Cast', [float([2], [2.7, -2.7])], attrs({ to: 7 })).values).toEqual([2, -2]);
  });

  it('gathers along any axis, slices with steps, concatenates along any axis, squeezes', () => {
    const m = int([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(fold('Gather', [m, int([2], [2, 0])], attrs({ axis: 1 }))).toEqual({
      dims: [2, 2],
      values: [3, 1, 6, 4],
      isFloat: false,
    });
    expect(fold('Gather', [m, int([], [-1])], attrs({ axis: 0 })).values).toEqual([4, 5, 6]);
    expect(fold('Slice', [m, int([1], [0]), int([1], [3]), int([1], [1]), int([1], [2])]).values).toEqual([
      1, 3, 4, 6,
    ]);
    expect(fold('Concat', [m, int([2, 1], [9, 9])], attrs({ axis: -1 })).values).toEqual([
      1, 2, 3, 9, 4, 5, 6, 9,
    ]);
    expect(fold('Unsqueeze', [int([], [5]), int([1], [0])]).dims).toEqual([1]);
    expect(fold('Squeeze', [int([1, 2, 1], [1, 2])]).dims).toEqual([2]);
    expect(fold('Shape', [m], attrs({ start: 1 })).values).toEqual([3]);
  });

  it('leaves ops it does not fold to the importer', () => {
    expect(foldConstantOp('Conv', [float([1], [1])], attrs())).toBeNull();
    expect(foldConstantOp('Reshape', [float([1], [1]), undefined], attrs())).toBeNull();
  });
});
