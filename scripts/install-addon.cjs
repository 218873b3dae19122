// npm's install step of the packed pareto-edge: keep the shipped libtorch addon when it loads on this
// machine, otherwise build it from native/ against this machine's libtorch (Debian's libtorch-dev, or
// LIBTORCH). In a source checkout it does nothing: there scripts/setup.sh builds the addon after
// `npm ci` and rebuilds it when native/ changes.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const nativeDir = path.join(root, 'native');
const addon = path.join(nativeDir, 'build', 'Release', 'pareto_edge.node');

/** Why the addon cannot be used here, or null when it loads. */
function loadProblem() {
  if (!fs.existsSync(addon)) return 'the libtorch addon is not built';
  try {
    require(addon);
    return null;
  } catch (error) {
    return `the shipped libtorch addon does not load here (${String(error.message).split('\n')[0]})`;
  }
}

function main() {
  if (fs.existsSync(path.join(root, 'src'))) return 0;
  const problem = loadProblem();
  if (problem === null) return 0;
  console.error(`pareto-edge: ${problem}; building it against this machine's libtorch (a few minutes)`);
  // As scripts/setup.sh: Debian's node ships its headers in /usr/include/node, so node-gyp needs no download.
  const args = ['rebuild', '-j', '2'];
  if (fs.existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
  // npm puts its own node-gyp on the PATH of install scripts.
  const build = spawnSync('node-gyp', args, { cwd: nativeDir, stdio: 'inherit' });
  const after = build.error ? `node-gyp could not run (${build.error.message})` : loadProblem();
  if (build.status === 0 && after === null) return 0;
  console.error(
    `pareto-edge: building the libtorch addon failed${after ? `: ${after}` : ''}. It needs libtorch, g++, make and python3: ` +
      'on Debian `sudo apt-get install libtorch-dev libopenblas0-openmp g++ make python3`, or set LIBTORCH to an unpacked ' +
      'libtorch directory; then run `npm rebuild pareto-edge`.',
  );
  return 1;
}

process.exitCode = main();
