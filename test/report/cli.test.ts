import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { paperRuns, temporaryDir, writeExperiment } from './fixtures.js';

const BIN = fileURLToPath(new URL('../../../bin/pareto-edge.js', import.meta.url));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('pareto-edge report', () => {
  it('writes the report where --out says, with the frontiers given', async () => {
    const dir = await writeExperiment(paperRuns().slice(0, 4), { 'runs/x/scratch/y/run.json': '{}' });
    const out = join(await temporaryDir('out'), 'my report');
    const result = await cli(
      'report',
      dir,
      '--out',
      out,
      '--memory-frontier',
      '840MB',
      '--accuracy-frontier',
      '60%',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /report\.html: 4 run\(s\) in 1 group\(s\)/);
    assert.match(result.stderr, /skipped runs\/x\/scratch\/y\/run\.json: unfinished/);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    assert.match(html, /840\.0 MB \(--memory-frontier\)/);
    assert.match(html, /60\.00% \(--accuracy-frontier\)/);
    assert.ok(existsSync(join(out, 'figures', 'caltech101-scratch-pareto-memory.png')));
  });

  it("names the paper's 70% as the accuracy frontier when none is given", async () => {
    const dir = await writeExperiment(paperRuns().slice(0, 4));
    const result = await cli('report', dir);
    assert.equal(result.code, 0, result.stderr);
    const html = await readFile(join(dir, 'report', 'report.html'), 'utf8');
    assert.match(html, /70\.00% \(the paper&#39;s 70%\)|70\.00% \(the paper's 70%\)/);
    assert.doesNotMatch(html, /\(--accuracy-frontier\)/);
  });

  it('exits 2 with the problem and the fix for bad input', async () => {
    const missing = await cli('report', '/nonexistent/experiment');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /experiment directory \/nonexistent\/experiment does not exist/);

    const dir = await writeExperiment(paperRuns().slice(0, 2));
    const objective = await cli('report', dir, '--objectives', 'accuracy,speed');
    assert.equal(objective.code, 2);
    assert.match(objective.stderr, /unknown objective "speed": use one of accuracy/);

    const frontier = await cli('report', dir, '--accuracy-frontier', '70');
    assert.equal(frontier.code, 2);
    assert.match(frontier.stderr, /e\.g\. 0\.7 or 70%/);
  });
});
