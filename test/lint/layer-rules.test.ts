// The layer rules (.dependency-cruiser.cjs) catch what they promise: `npm run lint` applies them to
// src/, this test applies them to a small fixture with known allowed and forbidden imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const depcruise = path.join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = path.join(repoRoot, '.dependency-cruiser.cjs');

/** Fixture modules, path → source. Comments mark the imports the rules must reject. */
const fixture: Record<string, string> = {
  'src/util/errors.ts': "import { helper } from './cycle.js';\nexport const errors = helper;\n",
  'src/util/cycle.ts':
    "import { errors } from './errors.js';\nexport const helper = 1;\nexport const again = errors;\n",
  'src/engine/tensor.ts': "import { errors } from '../util/errors.js';\nexport const tensor = errors;\n",
  // engine is not allowed to reach into the tests
  'src/engine/debug.ts': "import { fake } from '../../test/fake.js';\nexport const debug = fake;\n",
  'test/fake.ts': 'export const fake = 0;\n',
  'src/models/description.ts':
    "import type { tensor } from '../engine/tensor.js';\nexport type Description = typeof tensor;\n",
  // nn sits below models; a type-only import counts too
  'src/nn/module.ts':
    "import type { Description } from '../models/description.js';\nexport type Module = Description;\n",
  'src/train/summary.ts': "import { tensor } from '../engine/tensor.js';\nexport const summary = tensor;\n",
  // measure may import only engine and util
  'src/measure/latency.ts':
    "import { tensor } from '../engine/tensor.js';\nimport { summary } from '../train/summary.js';\nexport const latency = tensor + summary;\n",
  // data may import only util, though engine lies below it
  'src/data/load.ts':
    "import { errors } from '../util/errors.js';\nimport { tensor } from '../engine/tensor.js';\nexport const load = errors + tensor;\n",
  // pareto imports nothing of ours
  'src/pareto/front.ts': "import { errors } from '../util/errors.js';\nexport const front = errors;\n",
  'src/report/html.ts':
    "import { front } from '../pareto/front.js';\nimport { summary } from '../train/summary.js';\nexport const html = front + summary;\n",
  'src/cli/main.ts': "import { html } from '../report/html.js';\nexport const main = html;\n",
  // the library entry must not pull in the CLI
  'src/index.ts': "export { main } from './cli/main.js';\nexport { html } from './report/html.js';\n",
  // a folder the diagram does not name
  'src/sketch/space.ts': "import { tensor } from '../engine/tensor.js';\nexport const space = tensor;\n",
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** One line per violation; a cycle is reported once, from whichever of its modules came first. */
function describe(v: Violation): string {
  if (v.rule.name === 'no-cycle') return `no-cycle: ${[v.from, v.to].sort().join(' ↔ ')}`;
  return `${v.rule.name}: ${v.from} → ${v.to}`;
}

test('the layer rules report forbidden imports, cycles and unknown folders, and nothing else', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pe-layers-'));
  try {
    for (const [file, source] of Object.entries(fixture)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), source);
    }
    const result = spawnSync(
      process.execPath,
      [depcruise, 'src', '--config', config, '--output-type', 'json'],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(result.stderr, '');
    const violations = (JSON.parse(result.stdout) as { summary: { violations: Violation[] } }).summary
      .violations;
    const found = violations.map(describe).sort();
    assert.deepEqual(found, [
      'layer-data: src/data/load.ts → src/engine/tensor.ts',
      'layer-index: src/index.ts → src/cli/main.ts',
      'layer-measure: src/measure/latency.ts → src/train/summary.ts',
      'layer-nn: src/nn/module.ts → src/models/description.ts',
      'layer-pareto: src/pareto/front.ts → src/util/errors.ts',
      'layer-unknown: src/sketch/space.ts → src/engine/tensor.ts',
      'no-cycle: src/util/cycle.ts ↔ src/util/errors.ts',
      'src-not-to-test-or-bench: src/engine/debug.ts → test/fake.ts',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
