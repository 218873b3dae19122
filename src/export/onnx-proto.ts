// ONNX's own schema (resources/onnx/onnx.proto, vendored unmodified from github.com/onnx/onnx), read
// with protobufjs: the model is encoded and decoded by a maintained protobuf library, never by hand.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** From dist/src/export/, where this file runs, up to the package root. */
const SCHEMA = fileURLToPath(new URL('../../../resources/onnx/onnx.proto', import.meta.url));

let modelType: protobuf.Type | null = null;

function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.loadSync(SCHEMA).lookupType('onnx.ModelProto');
  return modelType;
}

/** Encodes a ModelProto given as a plain object with protobufjs' camelCase field names. */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const type = onnxModelType();
  const problem = type.verify(model);
  if (problem) throw new Error(`internal error: the ONNX model does not fit onnx.proto: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** Decodes an .onnx file's bytes to a plain object (int64s as numbers, bytes as Buffers). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  const type = onnxModelType();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as Record<string, unknown>;
}

/** TensorProto.DataType values used here. */
export const ONNX_TYPES = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;
export type OnnxType = keyof typeof ONNX_TYPES;
