// bench/profile: training steps of one zoo model and nothing else (no inference, no data), to run under
// a profiler: perf record -g -- node dist/bench/profile/steps.js xception-lite 96 16 30
// OPTIMIZER=sgd swaps Adam for plain SGD, which shows what Adam's update costs per step.
import {
  Adam,
  SGD,
  buildModel,
  describeModel,
  measureLatency,
  randint,
  randn,
  tidy,
  trainStep,
} from '../../src/index.js';
import { tensorFormat } from '../../src/train/memory-format.js';

const [name = 'xception-lite', input = '96', batch = '16', steps = '30'] = process.argv.slice(2);
const side = Number(input);
const description = describeModel(name, { numClasses: 2, inputSize: side, includePreprocessing: false });
const model = buildModel(description);
const parameters = model.trainableParameters();
const optimizer = process.env.OPTIMIZER === 'sgd' ? new SGD(parameters) : new Adam(parameters);
// Channels-last: the format --memory-format auto chooses for the zoo models on these CPUs.
const x = randn([Number(batch), 3, side, side]).contiguous(tensorFormat('channels-last'));
const y = randint(0, 2, [Number(batch)]);
const { medianMs } = measureLatency(() => tidy(() => trainStep(model, optimizer, x, y)), {
  warmup: 3,
  iterations: Number(steps),
});
console.log(`${name} ${side} px, batch ${batch}: median step ${medianMs.toFixed(1)} ms over ${steps}`);
