// The layer rules of src/ (docs/ARCHITECTURE.md, "Layers"), checked by `npm run lint`. Each layer may
// import only the layers in the rows below it; `only` narrows that where the diagram says so and
// `alsoBeside` allows a layer in the same row. A folder the diagram does not name is an error: add
// it to the diagram and to `rows` together.
const path = require('node:path');

/** Bottom up, one entry per row of the diagram. `index` is src/index.ts, the library entry. */
const rows = [
  [{ name: 'util' }],
  [{ name: 'engine' }],
  [{ name: 'nn' }],
  [{ name: 'layers' }],
  [{ name: 'models' }],
  [{ name: 'analysis' }],
  [{ name: 'cnd' }],
  [{ name: 'zoo' }],
  [
    { name: 'data', only: ['util'] },
    { name: 'measure', only: ['engine', 'util'] },
  ],
  [{ name: 'train' }],
  [{ name: 'export' }],
  [
    { name: 'pareto', only: [] },
    { name: 'report', alsoBeside: ['pareto'] },
  ],
  [{ name: 'experiment' }],
  [{ name: 'search' }],
  [{ name: 'distributed' }],
  [{ name: 'cli' }, { name: 'index' }],
];

/** A path regex matching the modules of the named layers. */
function modulesOf(names) {
  const folders = names.filter((name) => name !== 'index').map((name) => `${name}/`);
  if (names.includes('index')) folders.push('index\\.ts$');
  return `^src/(?:${folders.join('|')})`;
}

const layerRules = rows.flatMap((row, level) => {
  const below = rows
    .slice(0, level)
    .flat()
    .map((layer) => layer.name)
    .reverse(); // nearest first, as the diagram reads from the top
  return row.map(({ name, only, alsoBeside = [] }) => {
    const allowed = [...(only ?? below), ...alsoBeside];
    return {
      name: `layer-${name}`,
      comment: `${name} may import only ${allowed.join(', ') || 'nothing of ours'} (see the layer diagram in docs/ARCHITECTURE.md)`,
      severity: 'error',
      from: { path: modulesOf([name]) },
      to: { path: '^src/', pathNot: modulesOf([name, ...allowed]) },
    };
  });
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'layer-unknown',
      comment:
        'every folder of src/ belongs to a layer: add a new one to the diagram in docs/ARCHITECTURE.md and to .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: modulesOf(rows.flat().map((layer) => layer.name)) },
      to: { path: '^src/' },
    },
    {
      name: 'no-cycle',
      comment: 'import cycles make modules impossible to understand, test or load on their own',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-test-or-bench',
      comment: 'the library must not depend on its tests or benchmarks',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(?:test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer must not know the types of the layers above it either.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: path.join(__dirname, 'tsconfig.json') },
  },
};
