// ONNX's schema as the onnx-proto package ships it (protobufjs-generated from ONNX's onnx.proto, IR 8:
// opsets up to 15): the model is encoded and decoded by a maintained protobuf library, never by hand.
import onnxProto from 'onnx-proto';

const { ModelProto } = onnxProto.onnx;

/** Encodes a ModelProto given as a plain object with protobufjs' camelCase field names. */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`internal error: the ONNX model does not fit onnx.proto: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** Decodes an .onnx file's bytes to a plain object (int64s as numbers, bytes as Buffers). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false });
}

/** TensorProto.DataType values used here. */
export const ONNX_TYPES = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;
export type OnnxType = keyof typeof ONNX_TYPES;
