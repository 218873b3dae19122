// libgomp reads OMP_WAIT_POLICY once, when loading the addon loads it. OMP_DISPLAY_ENV=verbose makes it
// print how long a waiting thread spins (GOMP_SPINCOUNT: 300,000 with no policy set, 0 when passive),
// so these check what libgomp really runs with, in a fresh process each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

test('libtorch threads wait passively by default (no spinning against other processes)', () => {
  const env = { ...process.env };
  delete env.OMP_WAIT_POLICY;
  assert.equal(spinCountAfterLoading(env), 0);
});

test("the user's own OMP_WAIT_POLICY is kept", () => {
  assert.ok(spinCountAfterLoading({ ...process.env, OMP_WAIT_POLICY: 'active' }) > 0);
});
