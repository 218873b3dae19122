// bench/memory-plans: step time and allocator peak of one zoo model under several memory plans, the
// plans interleaved round by round in one process (plan A, plan B, …, plan A, …) so that a change in
// machine load hits every plan alike; the ratios to the first plan are what docs/memory.md quotes.
// On demand, never part of the test suite.
//   node dist/bench/memory-plans/run.js --model xception-lite --input 96 --batch 16 --rounds 5 \
//        checkpoint=none checkpoint=blocks,optimizer=in-backward microbatch=4
import { parseArgs } from 'node:util';
import {
  Adam,
  dispose,
  keep,
  manualSeed,
  memoryStats,
  randint,
  randn,
  resetPeakMemory,
  tidy,
} from '../../src/engine/index.js';
import { buildModel } from '../../src/models/index.js';
import { describeModel } from '../../src/zoo/registry.js';
import { formatMemoryPlan, parseMemoryPlan, predictPlan } from '../../src/analysis/index.js';
import { planStep } from '../../src/train/blockwise-step.js';
import { median } from '../common/stats.js';

const { values, positionals } = parseArgs({
  options: {
    model: { type: 'string', default: 'xception-lite' },
    input: { type: 'string', default: '96' },
    batch: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '5' },
  },
  allowPositionals: true,
});
const [size, batch, rounds] = [Number(values.input), Number(values.batch), Number(values.rounds)];
const classes = 101;
const plans = (positionals.length > 0 ? positionals : ['checkpoint=none']).map(parseMemoryPlan);
const description = describeModel(values.model!, {
  numClasses: classes,
  inputSize: size,
  includePreprocessing: false,
});
manualSeed(0);
const model = buildModel(description);
const optimizer = new Adam(model.trainableParameters());
const x = keep(tidy(() => randn([batch, 3, size, size])));
const y = keep(randint(0, classes, [batch]));
const times = plans.map((): number[] => []);
const peaks = plans.map(() => 0);
const step = (i: number): void => void tidy(() => planStep(model, optimizer, x, y, plans[i]!));
plans.forEach((_, i) => step(i)); // warm-up, and Adam's state
for (let round = 0; round < rounds; round++)
  plans.forEach((_, i) => {
    resetPeakMemory();
    const started = performance.now();
    step(i);
    times[i]!.push(performance.now() - started);
    peaks[i] = Math.max(peaks[i]!, memoryStats().peakBytes);
  });
const base = median(times[0]!);
console.log(`${values.model} ${size}x${size} batch ${batch}, ${rounds} interleaved rounds`);
plans.forEach((plan, i) => {
  const predicted = predictPlan(description, plan, { batchSize: batch });
  console.log(
    `${formatMemoryPlan(plan)}: peak ${(peaks[i]! / 1e6).toFixed(1)} MB (predicted ${(predicted.peakBytes / 1e6).toFixed(1)} MB), ` +
      `step median ${(median(times[i]!) / 1000).toFixed(2)} s, ×${(median(times[i]!) / base).toFixed(2)} (predicted ×${predicted.relativeStepTime.toFixed(2)})`,
  );
});
optimizer.dispose();
model.dispose();
dispose([x, y]);
