// bench/search: the search's own overhead, without training. N random genomes of a family are
// decoded and analysed (description, params, MACs, predicted training memory: src/analysis) and
// ranked with NSGA-II's constrained non-dominated sort and crowding. Target: 1,000 in < 5 s.
// On demand, never part of the test suite.
//   node dist/bench/search/run.js [--family xception] [--candidates 1000] [--input 64] [--memory-budget 300]
import { parseArgs } from 'node:util';
import { Rng } from '../../src/data/prng.js';
import { rankAndCrowd } from '../../src/pareto/index.js';
import { analyseGenome, type Analysis } from '../../src/search/candidates.js';
import { sampleGenome } from '../../src/search/evolve.js';
import { spaceFor } from '../../src/search/space.js';
import { DEFAULT_TRAIN_CONFIG } from '../../src/train/index.js';

const { values } = parseArgs({
  options: {
    family: { type: 'string', default: 'xception' },
    candidates: { type: 'string', default: '1000' },
    input: { type: 'string', default: '64' },
    'memory-budget': { type: 'string', default: '300' },
  },
});
const count = Number(values.candidates);
const space = spaceFor(values.family, [Number(values.input)]);
const rng = new Rng(1);
const genomes = Array.from({ length: count }, () => sampleGenome(space, () => rng.next()));

const cpuStart = process.cpuUsage();
const start = performance.now();
const analysed = genomes
  .map((g) =>
    analyseGenome(space, g, {
      memoryBudgetBytes: Number(values['memory-budget']) * 1e6,
      paramBudget: null,
      numClasses: 2,
      train: { ...DEFAULT_TRAIN_CONFIG, batchSize: 16 },
    }),
  )
  .filter((a): a is Analysis => !('error' in a));
const analysedAt = performance.now();
const ranked = rankAndCrowd(
  analysed.map((a) => ({ costs: [a.peakBytes, a.macs, a.params], violation: a.violation })),
);
const end = performance.now();
const cpu = process.cpuUsage(cpuStart);

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
process.stdout.write(
  `${values.family} at ${values.input} px: ${count} genomes, ${analysed.length} decoded and analysed in ${s(analysedAt - start)} ` +
    `(${((analysedAt - start) / count).toFixed(1)} ms each); sorted into ${ranked.fronts.length} fronts in ${s(end - analysedAt)}; ` +
    `total ${s(end - start)} wall, ${s((cpu.user + cpu.system) / 1000)} CPU (target < 5 s)\n`,
);
