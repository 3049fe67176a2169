/**
 * ONNX files as plain objects: encoding and decoding a `ModelProto` with protobufjs and the
 * ONNX project's schema (./schema.ts). The object types below name only the fields CNN
 * Studio writes or reads; 64-bit integers are plain numbers (tensor sizes fit).
 */
import protobuf from 'protobufjs';
import { ONNX_PROTO } from './schema';

/** `TensorProto.DataType` values CNN Studio reads or writes. */
export const TensorType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

/** `AttributeProto.AttributeType` values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface OnnxTensor {
  name?: string;
  dims?: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  /** Set when the data lives in another file (not supported here). */
  dataLocation?: number;
}

export interface OnnxAttributeProto {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  name?: string;
  opType: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: OnnxAttributeProto[];
}

export interface OnnxDimension {
  dimValue?: number;
  dimParam?: string;
}

export interface OnnxValueInfo {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: OnnxDimension[] } } };
}

export interface OnnxGraph {
  name?: string;
  node?: OnnxNode[];
  initializer?: OnnxTensor[];
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
  docString?: string;
}

export interface OnnxModel {
  irVersion?: number;
  opsetImport?: Array<{ domain?: string; version?: number }>;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph?: OnnxGraph;
  metadataProps?: Array<{ key: string; value: string }>;
}

let modelType: protobuf.Type | null = null;

function modelProto(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: false }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** The protobuf bytes of a model. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const type = modelProto();
  return type.encode(type.fromObject(model)).finish();
}

/**
 * A model read from protobuf bytes.
 *
 * @throws Error (protobufjs's message) when the bytes are not a protobuf ModelProto.
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const type = modelProto();
  return type.toObject(type.decode(bytes), {
    longs: Number,
    enums: Number,
    bytes: Uint8Array,
    defaults: false,
  }) as OnnxModel;
}

/** Little-endian float32 bytes of `values`, as `TensorProto.raw_data` holds them. */
export function floatBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return out;
}

/** Little-endian int64 bytes of whole numbers. */
export function int64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => view.setBigInt64(i * 8, BigInt(value), true));
  return out;
}
