// Calibration for static int8 quantization: the range of every activation tensor over calibration
// images, run through the fp32 graph in ONNX Runtime with every intermediate tensor exposed as an
// output. 'minmax' takes the extremes; 'percentile' drops the outermost 0.01% on each side (from a
// 2048-bin histogram over the extremes, a second pass), which a few outlier pixels cannot stretch.
import { encodeOnnx, INPUT_NAME, OUTPUT_NAME, type OnnxModel } from './export-model.js';
import { openOnnxSession } from './runtime.js';

export type CalibrationMethod = 'minmax' | 'percentile';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile'];

/** [min, max] of each activation tensor by name. */
export type Ranges = Map<string, [number, number]>;

/** NCHW images, as many batches as wanted; called once per pass. */
export type CalibrationImages = () => AsyncIterable<{ images: Float32Array; shape: number[] }>;

const BINS = 2048;
const PERCENTILE = 99.99;

/** The tensors calibration measures: the input and every node output (the logits excepted). */
export function activationTensors(model: OnnxModel): string[] {
  return [INPUT_NAME, ...model.graph.nodes.flatMap((node) => node.outputs).filter((t) => t !== OUTPUT_NAME)];
}

export async function calibrate(
  model: OnnxModel,
  images: CalibrationImages,
  method: CalibrationMethod,
  { threads = 2 } = {},
): Promise<Ranges> {
  const tensors = activationTensors(model).filter((t) => t !== INPUT_NAME);
  const session = await openOnnxSession(encodeOnnx(model, 'calibration', tensors), { threads });
  try {
    const ranges: Ranges = new Map();
    const note = (name: string, values: Float32Array) => {
      let [min, max] = ranges.get(name) ?? [Infinity, -Infinity];
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      ranges.set(name, [min, max]);
    };
    for await (const batch of images()) {
      note(INPUT_NAME, batch.images);
      const outputs = await session.runAll(batch.images, batch.shape);
      for (const name of tensors) note(name, outputs[name]);
    }
    if (ranges.size === 0) throw new Error('no calibration images could be read');
    if (method === 'minmax') return ranges;

    const histograms = new Map([...ranges.keys()].map((name) => [name, new Float64Array(BINS)]));
    const count = (name: string, values: Float32Array) => {
      const [min, max] = ranges.get(name)!;
      const histogram = histograms.get(name)!;
      const width = (max - min) / BINS || 1;
      for (let i = 0; i < values.length; i++)
        histogram[Math.min(BINS - 1, Math.floor((values[i] - min) / width))]++;
    };
    for await (const batch of images()) {
      count(INPUT_NAME, batch.images);
      const outputs = await session.runAll(batch.images, batch.shape);
      for (const name of tensors) count(name, outputs[name]);
    }
    return new Map([...ranges].map(([name, range]) => [name, percentileRange(range, histograms.get(name)!)]));
  } finally {
    await session.release();
  }
}

/** The values below which (100 - PERCENTILE)% lie and above which as many lie, at bin edges. */
function percentileRange([min, max]: [number, number], histogram: Float64Array): [number, number] {
  const total = histogram.reduce((a, b) => a + b, 0);
  const tail = (total * (100 - PERCENTILE)) / 100;
  const width = (max - min) / BINS;
  let low = 0;
  for (let seen = 0; low < BINS - 1 && seen + histogram[low] <= tail; low++) seen += histogram[low];
  let high = BINS - 1;
  for (let seen = 0; high > 0 && seen + histogram[high] <= tail; high--) seen += histogram[high];
  return [min + low * width, min + (high + 1) * width];
}
