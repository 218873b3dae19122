// `pareto-edge models` and `pareto-edge summary`: JSON fields and user mistakes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../bin/pareto-edge.js', import.meta.url));

async function fails(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [cli, ...args]);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  assert.fail(`pareto-edge ${args.join(' ')} should fail`);
}

describe('pareto-edge summary', () => {
  it('prints params, MACs and predicted memory as JSON', async () => {
    const { stdout } = await run(process.execPath, [
      cli,
      'summary',
      'xception-lite',
      '--input',
      '96',
      '--classes',
      '101',
      '--batch',
      '16',
      '--json',
    ]);
    const s = JSON.parse(stdout);
    assert.equal(s.params.total, s.params.trainable + s.params.nonTrainable);
    assert.equal(s.params.total, 15_834_933, 'params do not depend on the input size');
    assert.ok(s.macs > 0);
    const m = s.memory;
    assert.equal(m.batchSize, 16);
    assert.ok(
      m.trainingPeakBytes >
        m.weightsBytes + m.gradientBytes + m.optimizerStateBytes + m.savedForBackwardBytes,
    );
    assert.equal(s.layers.at(-1).name, 'predictions');
    assert.deepEqual(s.layers.at(-1).outputShape, [101]);
  });

  /** `summary xception-mini --input 64 --batch 4 --memory-plans` with more options; its stdout. */
  const miniPlans = async (...extra: string[]): Promise<string> =>
    (
      await run(process.execPath, [
        cli,
        'summary',
        'xception-mini',
        '--input',
        '64',
        '--batch',
        '4',
        '--memory-plans',
        ...extra,
      ])
    ).stdout;

  it('lists bfloat16-moment plans with --memory-plans only when --allow-bf16-moments is given', async () => {
    const plans = async (
      ...extra: string[]
    ): Promise<{ plan: string; parts: { optimizerStateBytes: number } }[]> =>
      JSON.parse(await miniPlans('--json', ...extra));
    const without = await plans();
    assert.ok(without.every((p) => !p.plan.includes('moments=bf16')));
    const allowed = await plans('--allow-bf16-moments');
    const bf16 = allowed.filter((p) => p.plan.endsWith(',moments=bf16'));
    assert.equal(bf16.length, without.length);
    const state = (p: { parts: { optimizerStateBytes: number } }) => p.parts.optimizerStateBytes;
    assert.ok(bf16.every((p) => 2 * state(p) === state(without[0]!)));
  });

  it('predicts a fine-tuning run with --freeze: no optimizer state for a frozen backbone, and exact micro-batches', async () => {
    type Row = { plan: string; changesLearning: boolean; parts: { optimizerStateBytes: number } };
    const plans = async (...extra: string[]): Promise<Row[]> =>
      JSON.parse(await miniPlans('--json', '--classes', '2', ...extra));
    const full = await plans();
    const frozen = await plans('--freeze', 'backbone');
    const head = Math.max(...frozen.map((p) => p.parts.optimizerStateBytes));
    assert.ok(head > 0 && head < full[0]!.parts.optimizerStateBytes / 100, 'only the head has Adam state');
    const microbatched = (rows: Row[]) => rows.filter((p) => !p.plan.includes('microbatch=1,'));
    assert.ok(microbatched(full).every((p) => p.changesLearning));
    assert.ok(microbatched(frozen).every((p) => !p.changesLearning));
    for (const [args, message] of [
      [['--memory-plans', '--freeze', 'last:99'], /asks for more blocks than xception-mini has/],
      [['--memory-plans', '--freeze', 'some'], /--freeze must be none, backbone or last:N/],
      [['--freeze', 'backbone'], /add --memory-plans/],
    ] as const) {
      const bad = await fails(['summary', 'xception-mini', ...args]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, message);
    }
  });

  it('predicts in --precision and --memory-format, naming them, and refuses others', async () => {
    const table = miniPlans;
    const peakOfDefault = (text: string): number =>
      Number(/checkpoint=none,microbatch=1,optimizer=after-backward\s+([\d.]+) MB/.exec(text)![1]);
    const float32 = await table('--memory-format', 'nchw');
    const bf16 = await table('--precision', 'bf16', '--memory-format', 'nchw');
    assert.match(float32, /\(float32, nchw, Adam\)/);
    assert.match(bf16, /\(bfloat16 autocast, nchw, Adam\)/);
    assert.ok(peakOfDefault(bf16) < peakOfDefault(float32));
    assert.match(await table(), /\(float32, channels-last, Adam\)/, 'auto is predicted as channels-last');
    const bad = await fails(['summary', 'xception-mini', '--precision', 'fp16']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /It must be auto, fp32 or bf16/);
  });

  it('prints a Keras-like table', async () => {
    const { stdout } = await run(process.execPath, [
      cli,
      'summary',
      'mobilenet-v2',
      '--input',
      '64',
      '--classes',
      '10',
    ]);
    assert.match(stdout, /Layer \(type\)\s+Output shape\s+Param #\s+MACs/);
    assert.match(stdout, /block_16_project \(Conv2D\)\s+\(2, 2, 320\)\s+307,200/);
    assert.match(stdout, /Total params: 2,270,794/);
  });

  it('rejects inputs below 32, unknown models and bad numbers with exit code 2', async () => {
    const small = await fails(['summary', 'xception', '--input', '31']);
    assert.equal(small.code, 2);
    assert.match(small.stderr, /at least 32x32/);
    const unknown = await fails(['summary', 'resnet']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown model 'resnet'; models: xception, xception-lite, mobilenet-v2/);
    const batch = await fails(['summary', 'xception', '--batch', 'many']);
    assert.equal(batch.code, 2);
    assert.match(batch.stderr, /'--batch <B>' argument 'many' is invalid\. It must be a whole number ≥ 1\./);
  });
});

describe('pareto-edge models', () => {
  it('lists the registry as JSON', async () => {
    const { stdout } = await run(process.execPath, [cli, 'models', '--json']);
    const models = JSON.parse(stdout) as { name: string; derivedFrom?: string }[];
    assert.equal(models.find((m) => m.name === 'xception-lite')?.derivedFrom, 'xception');
  });
});
