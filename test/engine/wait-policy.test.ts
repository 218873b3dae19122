// libgomp reads its wait policy once, when loading the addon loads it. OMP_DISPLAY_ENV=verbose makes it
// print how long a waiting thread spins (GOMP_SPINCOUNT: 300,000 with nothing set, 0 when passive), so
// these check what libgomp really runs with, in a fresh process each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SPIN_COUNT, describeWaitPolicy } from '../../src/engine/wait-policy.js';

const engine = fileURLToPath(new URL('../../src/engine/index.js', import.meta.url));

function spinCountAfterLoading(env: NodeJS.ProcessEnv): number {
  const child = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(engine)})`], {
    env: { ...env, OMP_DISPLAY_ENV: 'verbose' },
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stderr);
  const match = /GOMP_SPINCOUNT = '(\d+)'/.exec(child.stderr + child.stdout);
  assert.ok(match, `libgomp printed no GOMP_SPINCOUNT:\n${child.stderr}`);
  return Number(match[1]);
}

function withoutWaitSettings(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OMP_WAIT_POLICY;
  delete env.GOMP_SPINCOUNT;
  return env;
}

test("libtorch threads spin briefly by default, not libgomp's 300,000 spins against other processes", () => {
  assert.equal(spinCountAfterLoading(withoutWaitSettings()), DEFAULT_SPIN_COUNT);
});

test("the user's own OMP_WAIT_POLICY is kept", () => {
  assert.equal(spinCountAfterLoading({ ...withoutWaitSettings(), OMP_WAIT_POLICY: 'passive' }), 0);
  assert.ok(
    spinCountAfterLoading({ ...withoutWaitSettings(), OMP_WAIT_POLICY: 'active' }) > DEFAULT_SPIN_COUNT,
  );
});

test("the user's own GOMP_SPINCOUNT is kept", () => {
  assert.equal(spinCountAfterLoading({ ...withoutWaitSettings(), GOMP_SPINCOUNT: '5' }), 5);
});

test('benchmark headers name the spin count when one is set, else the policy', () => {
  assert.equal(
    describeWaitPolicy({ GOMP_SPINCOUNT: '1000', OMP_WAIT_POLICY: 'PASSIVE' }),
    'GOMP_SPINCOUNT 1000',
  );
  assert.equal(describeWaitPolicy({ OMP_WAIT_POLICY: 'PASSIVE' }), 'OMP_WAIT_POLICY PASSIVE');
  assert.equal(describeWaitPolicy({}), 'OMP_WAIT_POLICY unset');
});
