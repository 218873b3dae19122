// Deployment: a trained model as an ONNX file (fp32, or int8 quantized), run in ONNX Runtime.
export {
  modelToOnnx,
  encodeOnnx,
  OPSET,
  INPUT_NAME,
  OUTPUT_NAME,
  type OnnxExportOptions,
  type OnnxModel,
} from './export-model.js';
export { openOnnxSession, type OnnxSession } from './runtime.js';
export { decodeModel } from './onnx-proto.js';
export { ExportError } from './errors.js';
export {
  compareOnOnnx,
  compareLatency,
  type OnnxComparison,
  type LatencyComparison,
} from './evaluate-onnx.js';
export { readOnnxFile, type OnnxInfo } from './onnx-info.js';
export {
  calibrate,
  CALIBRATION_METHODS,
  type CalibrationMethod,
  type CalibrationImages,
  type Ranges,
} from './calibrate.js';
export { quantizeModel } from './quantize.js';
