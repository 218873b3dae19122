// Measures the engine's allocator peak of the trainer's own training step (src/train/step.ts: one
// tidy() scope, zeroGrad() before backward; Adam), for calibrating
// src/analysis/memory.ts against the engine itself. Needs the built addon and dist/.
//   node test/analysis/calibration/engine-peak.mjs xception 96 16
// Prints one JSON line: the third step's peak and the bytes held before it. One model per process.
import {
  Adam,
  manualSeed,
  memoryStats,
  randint,
  randn,
  resetPeakMemory,
  tidy,
} from '../../../dist/src/engine/index.js';
import { trainStep } from '../../../dist/src/train/step.js';
import { describeModel } from '../../../dist/src/zoo/registry.js';
import { buildModel } from '../../../dist/src/nn/index.js';

const [name, size = '96', batch = '16'] = process.argv.slice(2);
const [inputSize, batchSize] = [Number(size), Number(batch)];
manualSeed(0);
const model = buildModel(describeModel(name, { numClasses: 101, inputSize }));
model.train();
const optimizer = new Adam(model.trainableParameters());
const steps = [];
for (let i = 0; i < 3; i++) {
  const beforeStepBytes = memoryStats().currentBytes;
  resetPeakMemory();
  tidy(() =>
    trainStep(
      model,
      optimizer,
      randn([batchSize, 3, inputSize, inputSize]).mul(60).add(127),
      randint(0, 101, [batchSize]),
    ),
  );
  steps.push({ peakBytes: memoryStats().peakBytes, beforeStepBytes });
}
console.log(
  JSON.stringify({
    model: name,
    input: inputSize,
    batch: batchSize,
    ...steps[2],
    firstStepPeakBytes: steps[0].peakBytes,
  }),
);
