// `pareto-edge search` as a user runs it, with real (tiny) training: bad input fails before anything
// is written; a search killed with SIGKILL resumes and keeps what it had finished; its front files
// train with `train --model`; `report` reads the directory.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { runCli, startCli } from '../helpers/cli.js';

const DATA = 'synthetic-pcb:binary:64,32,32';
const TINY = ['--family', 'mobilenet-v2', '--data', DATA, '--input', '32', '--memory-budget', '25MB'];
const SMALL = ['--population', '3', '--rungs', '1', '--batch', '8', '--threads', '1', '--workers', '1'];

describe('pareto-edge search', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'search-cli-'));

  it('refuses bad input with one line and writes nothing', () => {
    const cases: [string[], RegExp][] = [
      [['--family', 'resnet', '--data', DATA], /unknown --family 'resnet'; families: xception, mobilenet-v2/],
      [['--family', 'xception', '--data', path.join(root, 'absent')], /--data .*absent/],
      [
        [...TINY.slice(0, 6), '--memory-budget', '100kB'],
        /no candidate of the mobilenet-v2 space meets the budgets.*cheapest/,
      ],
      [[...TINY, '--objective', 'speed'], /--objective must be epoch-time or latency/],
      [
        [...TINY, '--batch', '4', '--memory-plan', 'microbatch=8'],
        /--memory-plan checkpoint=none,microbatch=8,optimizer=after-backward asks for more micro-batches than the batch of 4 images/,
      ],
    ];
    for (const [args, message] of cases) {
      const out = path.join(root, 'bad');
      const result = runCli(['search', ...args, '--out', out]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(existsSync(out), false, `${args.join(' ')} wrote ${out}`);
    }
  });

  it('resumes after SIGKILL keeping finished trials, and its front trains with --model', async () => {
    const out = path.join(root, 'search');
    const child = startCli(['search', ...TINY, ...SMALL, '--generations', '2', '--out', out]);
    const finished = () =>
      existsSync(path.join(out, 'trials'))
        ? readdirSync(path.join(out, 'trials')).filter((h) =>
            existsSync(path.join(out, 'trials', h, 'weights.safetensors')),
          )
        : [];
    while (finished().length < 2 && child.exitCode === null) await sleep(200);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const before = new Map(
      finished().map((h) => [h, readFileSync(path.join(out, 'trials', h, 'run.json'), 'utf8')]),
    );
    assert.ok(before.size >= 2);

    const resumed = runCli(['search', '--resume', out]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /front \(\d+\)/);
    for (const [hash, runJson] of before)
      assert.equal(
        JSON.parse(readFileSync(path.join(out, 'trials', hash, 'run.json'), 'utf8')).startedAt,
        JSON.parse(runJson).startedAt,
        `trial ${hash} was not trained again`,
      );
    const record = JSON.parse(readFileSync(path.join(out, 'search.json'), 'utf8')) as {
      front: { file: string }[];
      candidates: { rungs: unknown[] }[];
      proxy: { pairs: number };
    };
    assert.ok(record.front.length >= 1);
    assert.equal(record.proxy.pairs, record.candidates.filter((c) => c.rungs.length > 0).length);

    const front = path.join(out, record.front[0]!.file);
    const trained = runCli([
      'train',
      '--model',
      front,
      '--data',
      DATA,
      '--input',
      '32',
      '--epochs',
      '1',
      '--batch',
      '8',
      '--out',
      path.join(root, 'front-run'),
      '--json',
    ]);
    assert.equal(trained.status, 0, trained.stderr);
    const report = runCli(['report', out]);
    assert.equal(report.status, 0, report.stderr);
    const html = readFileSync(path.join(out, 'report', 'report.html'), 'utf8');
    assert.match(html, /Kendall τ/);
    assert.match(html, /<svg/);
    assert.match(
      html,
      /networks trained through every rung, \d+ (is|are) non-dominated\. .* the front holds \d+\.\d\d on average/,
    );
  });
});
