// bench/profile: training steps of one zoo model and nothing else (no inference, no data), to run under
// a profiler: perf record -g -- node dist/bench/profile/steps.js xception-lite 96 16 30
// Prints the median step and the median of each phase (forward with the loss, backward, optimizer
// update), the phases as trainStep runs them (src/train/step.ts). OPTIMIZER=sgd swaps Adam for plain SGD.
import { Adam, F, SGD, buildModel, describeModel, randint, randn, tidy } from '../../src/index.js';
import { median } from '../../src/measure/index.js';
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

const phases = {
  step: [] as number[],
  forward: [] as number[],
  backward: [] as number[],
  update: [] as number[],
};
const WARMUP = 3;
for (let i = 0; i < WARMUP + Number(steps); i++) {
  tidy(() => {
    const t0 = performance.now();
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.item(); // waits for the forward pass (libtorch runs it synchronously; this keeps it explicit)
    const t1 = performance.now();
    loss.backward();
    const t2 = performance.now();
    optimizer.update();
    const t3 = performance.now();
    if (i < WARMUP) return;
    phases.step.push(t3 - t0);
    phases.forward.push(t1 - t0);
    phases.backward.push(t2 - t1);
    phases.update.push(t3 - t2);
  });
}
const [step, ...rest] = Object.entries(phases).map(([phase, ms]) => `${phase} ${median(ms).toFixed(1)} ms`);
console.log(
  `${name} ${side} px, batch ${batch}, ${optimizer.constructor.name}: median ${step} over ${steps} (${rest.join(', ')})`,
);
