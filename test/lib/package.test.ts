// The package as a user gets it: `npm pack`, installed into a fresh project, and the example of the
// README's "Use as a library" type-checked with this repo's TypeScript and run against it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeModel, sgd, summarize, trainingMemory } from '../../src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ADDON = 'native/build/Release/pareto_edge.node';

/** The TypeScript between the README's library-example markers: exactly what the README shows. */
function readmeExample(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const marked = /<!-- library-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- library-example:end -->/.exec(
    readme,
  );
  assert.ok(marked, 'README.md has a ```ts block between <!-- library-example:start --> and :end -->');
  return marked[1]!;
}

function run(command: string, args: string[], cwd: string, what: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  assert.equal(
    result.status,
    0,
    `${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
  );
  return result.stdout;
}

function readManifest(): {
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
} {
  return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as ReturnType<typeof readManifest>;
}

interface LockEntry {
  version: string;
  resolved?: string;
  dev?: boolean;
  [field: string]: unknown;
}

/**
 * A project depending on the tarball, with a lockfile pinning the package's dependencies to this
 * repo's package-lock.json: `npm ci --offline` then needs only tarballs, which this repo's own
 * `npm ci` left in npm's cache, and no registry metadata (which `npm install` would fetch).
 */
function writeNewProject(app: string, tarballSpec: string): void {
  const manifest = readManifest();
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const dependencies = { 'pareto-edge': tarballSpec };
  const packages: Record<string, unknown> = {
    '': { name: 'app', dependencies },
    'node_modules/pareto-edge': {
      version: manifest.version,
      resolved: tarballSpec,
      hasInstallScript: true,
      // What npm would have written from the tarball's package.json; `npm ci` links bins from it.
      bin: manifest.bin,
      dependencies: manifest.dependencies,
    },
  };
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || entry.dev) continue;
    // This repo's lock omits tarball addresses; npm's cache finds them by integrity.
    const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[where] = { resolved, ...entry };
  }
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module', dependencies }),
  );
  writeFileSync(
    path.join(app, 'package-lock.json'),
    JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }),
  );
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** `npm pack` into dir, checking what the tarball holds; returns the tarball's file name. */
function pack(dir: string): string {
  // --ignore-scripts: prepack would recompile dist/ while other test files run from it.
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', dir];
  const [packed] = JSON.parse(run('npm', args, ROOT, 'npm pack')) as PackResult[];
  const files = packed!.files.map((file) => file.path);
  for (const needed of [
    'dist/src/index.js',
    'dist/src/index.d.ts',
    'bin/pareto-edge.js',
    'native/binding.gyp',
  ])
    assert.ok(files.includes(needed), `the tarball holds ${needed}`);
  assert.ok(
    files.includes(ADDON),
    `the tarball holds ${ADDON}: build it first (bash scripts/setup.sh); ` +
      'npm pack leaves it out when native/build is a symbolic link',
  );
  const unwanted = files.filter((file) => /^(?:src|test|bench|results|dist\/(?:test|bench))\//.test(file));
  assert.deepEqual(unwanted, [], 'no sources, tests, benchmarks or results in the tarball');
  return packed!.filename;
}

/** Type-checks the README's example against the installed package's declarations and compiles it. */
function compileExample(app: string): string {
  writeFileSync(path.join(app, 'example.ts'), readmeExample());
  const compilerOptions = {
    strict: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022'],
    // The new project has no @types/node of its own: it uses this repo's.
    typeRoots: [path.join(ROOT, 'node_modules/@types')],
    types: ['node'],
    outDir: 'out',
  };
  writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['example.ts'] }));
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  run(process.execPath, [tsc, '-p', app], app, 'tsc on the README example');
  return path.join(app, 'out/example.js');
}

test(
  'the packed package installs into a new project and runs the README example',
  { timeout: 600_000 },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pe-package-'));
    try {
      const app = path.join(dir, 'app');
      mkdirSync(app);
      writeNewProject(app, `file:../${pack(dir)}`);
      const install = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {
        cwd: app,
        encoding: 'utf8',
        timeout: 300_000,
        // As the README's library section tells users installing offline: onnxruntime-node's CPU
        // binaries are in its package (its install step would look for CUDA ones online), and
        // better-sqlite3, finding no prebuilt binary offline, compiles against the local node.
        env: {
          ...process.env,
          ONNXRUNTIME_NODE_INSTALL: 'skip',
          ...(existsSync('/usr/include/node/node_api.h') ? { npm_config_nodedir: '/usr' } : {}),
        },
      });
      assert.equal(
        install.status,
        0,
        "npm ci --offline in the new project failed. The dependencies' tarballs come from npm's cache, " +
          `which this repo's \`npm ci\` fills: run it (or scripts/setup.sh) first.\n${install.stderr}`,
      );

      const version = run(
        path.join(app, 'node_modules/.bin/pareto-edge'),
        ['--version'],
        app,
        'the installed CLI',
      );
      assert.equal(
        version,
        `${readManifest().version}\n`,
        "the installed CLI reports package.json's version",
      );

      const output = run(process.execPath, [compileExample(app)], app, 'the README example');
      // What the example prints, computed here from the sources with the same arguments.
      const description = describeModel('xception-lite', { numClasses: 2, inputSize: 96 });
      const summary = summarize(description, { batchSize: 4 });
      const withSgd = trainingMemory(description, { batchSize: 4, optimizer: sgd({ momentum: 0.9 }) });
      const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      const lines = output.trimEnd().split('\n');
      assert.deepEqual(lines.slice(0, 3), [
        `${summary.params.total} parameters, ${summary.macs} multiply-accumulates per image`,
        `training peak at batch 4 with Adam: ${mib(summary.memory.trainingPeakBytes)} MiB`,
        `training peak at batch 4 with SGD and momentum: ${mib(withSgd.trainingPeakBytes)} MiB`,
      ]);
      const losses = lines.slice(3).map((line, i) => {
        const step = new RegExp(`^training step ${i + 1}: loss (\\d+\\.\\d{3})$`).exec(line);
        assert.ok(step, `a training step's line, got: ${line}`);
        return Number(step[1]);
      });
      assert.equal(losses.length, 3);
      for (const loss of losses) assert.ok(Number.isFinite(loss) && loss >= 0, `loss ${loss}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
