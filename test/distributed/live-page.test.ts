// `pareto-edge serve`: the status it serves (runs with status and progress, workers, the front) and
// the page in headless Chromium, which must follow a run's progress as queue.json changes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { serveLive } from '../../src/distributed/live-server.js';
import type { QueueStatus } from '../../src/distributed/queue-status.js';
import type { LiveStatus } from '../../src/distributed/live-status.js';
import { runCli } from '../helpers/cli.js';
import { fakeRun } from '../report/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

/** Three finished runs (two on the front) and a fourth that a worker is training. */
async function experimentInFlight(): Promise<{ dir: string; writeQueue: (epoch: number) => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-live-'));
  const shapes = [
    { model: 'small', testAcc: 0.8, memoryMb: 100 },
    { model: 'large', testAcc: 0.9, memoryMb: 400 },
    { model: 'worse', testAcc: 0.7, memoryMb: 500 },
  ];
  const ids = [...shapes.map((s) => s.model), 'training'].map((model) => `pcb/scratch/${model}`);
  for (const shape of shapes) {
    const summary = fakeRun({
      ...shape,
      dataset: 'pcb',
      setting: 'scratch',
      params: 1000,
      trainAcc: shape.testAcc,
      epochS: 10,
      inferenceMs: 5,
    });
    const runDir = path.join(dir, 'runs', 'pcb', 'scratch', shape.model);
    await mkdir(runDir, { recursive: true });
    await writeFile(
      path.join(runDir, 'run.json'),
      JSON.stringify({
        status: 'finished',
        config: { epochs: summary.history.length },
        identity: { id: `pcb/scratch/${shape.model}`, dataset: 'pcb', setting: 'scratch' },
        summary,
      }),
    );
  }
  await writeFile(
    path.join(dir, 'experiment.json'),
    JSON.stringify({
      runs: ids.map((id) => ({
        id,
        dir: path.join('runs', id.split('/').slice(0, 2).join('/'), id.split('/')[2]!),
      })),
      outcomes: ids.slice(0, 3).map((id) => ({ id, status: 'finished' })),
    }),
  );
  const writeQueue = async (epoch: number) => {
    const status: QueueStatus = {
      format: 'pareto-edge-queue/1',
      queue: 'redis://127.0.0.1:6379',
      tag: null,
      updatedAt: new Date().toISOString(),
      workers: [
        {
          worker: 'board-1',
          hostname: 'jetson',
          tags: ['jetson-nx'],
          concurrency: 1,
          pid: 1,
          startedAt: new Date().toISOString(),
          lastSeen: new Date().toISOString(),
        },
      ],
      jobs: [
        {
          id: ids[3]!,
          jobId: 'run-1',
          state: 'active',
          worker: 'board-1',
          hostname: 'jetson',
          attempts: 0,
          failedReason: null,
          progress: {
            worker: 'board-1',
            hostname: 'jetson',
            phase: 'training',
            epoch,
            epochs: 10,
            batch: 5,
            batches: 10,
            loss: 0.5,
            accuracy: 0.7,
            valAccuracy: 0.65,
            peakTensorBytes: 1e6,
          },
        },
      ],
    };
    await writeFile(path.join(dir, 'queue.json'), JSON.stringify(status));
  };
  await writeQueue(3);
  return { dir, writeQueue };
}

test('serve: status.json has every run with its status, progress and worker, and the front', async () => {
  const { dir } = await experimentInFlight();
  const server = await serveLive(dir, { port: 0 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'loopback by default');
    const status = (await (await fetch(`${server.url}status.json`)).json()) as LiveStatus;
    const byId = Object.fromEntries(status.runs.map((run) => [run.id.split('/')[2], run]));
    assert.deepEqual(
      Object.fromEntries(Object.entries(byId).map(([id, run]) => [id, [run.status, run.onFront]])),
      {
        small: ['finished', true],
        large: ['finished', true],
        worse: ['finished', false],
        training: ['running', false],
      },
    );
    assert.equal(byId.training!.worker, 'board-1');
    assert.equal(byId.training!.epochsDone, 3);
    assert.equal(byId.training!.epochFraction, 0.5);
    assert.deepEqual(
      status.workers.map((w) => w.hostname),
      ['jetson'],
    );
    assert.equal((await fetch(`${server.url}nothing`)).status, 404);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('serve refuses a folder without runs and a missing one, naming the fix', async () => {
  const empty = await mkdtemp(path.join(tmpdir(), 'pe-live-empty-'));
  try {
    const result = runCli(['serve', empty, '--port', '0']);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /holds no runs \(no experiment\.json, run\.json or queue\.json\): pass the --out directory/,
    );
    const missing = runCli(['serve', path.join(empty, 'nowhere'), '--port', '0']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nowhere does not exist: pass the --out directory/);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('serve shows the runs of a folder without experiment.json (a search) by their identity', async () => {
  const { dir } = await experimentInFlight();
  await rm(path.join(dir, 'experiment.json'));
  const server = await serveLive(dir, { port: 0 });
  try {
    const status = (await (await fetch(`${server.url}status.json`)).json()) as LiveStatus;
    assert.deepEqual(
      status.runs.map((run) => [run.id, run.status]),
      [
        ['pcb/scratch/large', 'finished'],
        ['pcb/scratch/small', 'finished'],
        ['pcb/scratch/worse', 'finished'],
        ['pcb/scratch/training', 'running'],
      ],
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test(
  'the live page in headless Chromium shows the runs, the workers and the front, and follows progress',
  { timeout: 90_000 },
  async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`bash scripts/setup.sh\``);
    const { dir, writeQueue } = await experimentInFlight();
    const server = await serveLive(dir, { port: 0 });
    const profile = await mkdtemp(path.join(tmpdir(), 'pe-live-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
      timeout: 60_000,
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      await page.goto(server.url);
      const training = page.locator('tr[data-id="pcb/scratch/training"]');
      await training.waitFor();
      assert.match((await training.textContent()) ?? '', /running.*board-1 \(jetson\).*3\/10 training/);
      assert.equal(await page.locator('#runs tr.front').count(), 2);
      assert.equal(await page.locator('#chart circle').count(), 3);
      assert.equal(await page.locator('#workers tbody tr').count(), 1);

      await writeQueue(4);
      await page
        .locator('tr[data-id="pcb/scratch/training"]', { hasText: '4/10' })
        .waitFor({ timeout: 10_000 });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  },
);
