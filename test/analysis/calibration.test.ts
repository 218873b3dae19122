// The training-memory prediction against allocator peaks measured in libtorch under PyTorch 1.13
// (eager autograd; test/analysis/calibration/, how to re-measure is in docs/models.md), in two sets:
// - the fitting set (pytorch-1.13-peaks.json): the rows the keep rules' workspace factors were chosen
//   against — an error here says the fit holds, nothing more;
// - the checking set (pytorch-1.13-check.json): rows measured after the factors were fixed and never
//   used to choose them — other batch sizes, other input sizes, a family not fitted (SqueezeNet 1.1)
//   and a transformed architecture. An error here is the model's out-of-sample error.
// Both must hold within ±10%.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { trainingMemory, type MemoryPresetName } from '../../src/analysis/memory.js';
import { blocksIn, firstConvOfBlocks } from '../../src/cnd/select.js';
import { replace3x3With1x1 } from '../../src/cnd/strategy1.js';
import type { ModelDescription } from '../../src/models/description.js';
import { describeModel } from '../../src/zoo/registry.js';

interface Measured {
  model: string;
  batch: number;
  input: number;
  peakBytes: number;
  params: number;
  /** Float32 buffers: BatchNorm's moving statistics. */
  buffers: number;
  channelsLast?: boolean;
}

interface Fixture {
  preset: MemoryPresetName;
  rows: Measured[];
}

function fixture(name: string): Fixture {
  const file = new URL(`../../../test/analysis/calibration/${name}`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Fixture;
}

/** Architectures of the checking set that are not zoo names: transforms applied to a zoo model. */
const TRANSFORMED: Record<string, (inputSize: number) => ModelDescription> = {
  'xception-middle-1x1': (inputSize) => {
    const xception = describeModel('xception', { numClasses: 101, inputSize });
    return replace3x3With1x1(xception, firstConvOfBlocks(xception, blocksIn(xception, ['middle_flow'])));
  },
};

function description(row: Measured): ModelDescription {
  const transformed = TRANSFORMED[row.model];
  return transformed
    ? transformed(row.input)
    : describeModel(row.model, { numClasses: 101, inputSize: row.input });
}

const MAX_ERROR = 0.1;

function checkSet(title: string, file: string): void {
  const { preset, rows } = fixture(file);
  describe(`${title}: predicted training-step peak vs ${file} (memory model ${preset})`, () => {
    for (const row of rows)
      it(`${row.model} ${row.input}x${row.input} batch ${row.batch}${row.channelsLast ? ' channels-last' : ''} within ${100 * MAX_ERROR}%`, (t) => {
        const memory = trainingMemory(description(row), { batchSize: row.batch, preset });
        // The same network was measured: its float32 weights are PyTorch's parameters and buffers.
        assert.equal(
          memory.weightsBytes / 4,
          row.params + row.buffers,
          'the measured network is the described one',
        );
        const error = memory.trainingPeakBytes / row.peakBytes - 1;
        t.diagnostic(
          `measured ${(row.peakBytes / 1e6).toFixed(1)} MB, predicted ${(memory.trainingPeakBytes / 1e6).toFixed(1)} MB, ` +
            `error ${(100 * error).toFixed(1)}%`,
        );
        assert.ok(Math.abs(error) <= MAX_ERROR, `error ${(100 * error).toFixed(1)}%`);
      });
  });
}

describe('the fitting set covers every paper model at batch 16 on 96x96', () => {
  const { rows } = fixture('pytorch-1.13-peaks.json');
  for (const model of ['xception', 'xception-lite', 'mobilenet-v2', 'efficientnet-v2-b1'])
    it(model, () =>
      assert.ok(rows.some((r) => r.model === model && r.batch === 16 && r.input === 96 && !r.channelsLast)),
    );
});

describe('the checking set is out of sample', () => {
  const fitting = fixture('pytorch-1.13-peaks.json').rows;
  const checking = fixture('pytorch-1.13-check.json').rows;
  const key = (r: Measured): string => `${r.model}@${r.input}x${r.batch}${r.channelsLast ? 'cl' : ''}`;
  it('shares no (model, input, batch) with the fitting set', () => {
    const fitted = new Set(fitting.map(key));
    assert.deepEqual(
      checking.map(key).filter((k) => fitted.has(k)),
      [],
    );
  });
  it('has other batch sizes, other input sizes, a family not fitted and a transformed architecture', () => {
    const fittedBatches = new Set(fitting.map((r) => r.batch));
    const fittedInputs = new Set(fitting.map((r) => r.input));
    const fittedFamilies = new Set(fitting.map((r) => describeModel(r.model).family));
    assert.ok(checking.some((r) => !fittedBatches.has(r.batch)));
    assert.ok(checking.some((r) => !fittedInputs.has(r.input)));
    assert.ok(checking.some((r) => !TRANSFORMED[r.model] && !fittedFamilies.has(description(r).family)));
    assert.ok(
      checking.some((r) => description(r).transforms.length > 0 && !fitting.some((f) => f.model === r.model)),
    );
  });
});

checkSet('fitting set', 'pytorch-1.13-peaks.json');
checkSet('checking set (out of sample)', 'pytorch-1.13-check.json');
