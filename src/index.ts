// pareto-edge as a library: `import { describeModel, buildModel, trainingMemory } from 'pareto-edge'`.
// Each folder's index.ts is its public face and this file gathers them; the CLI (src/cli) is built on
// the same functions. Importing it loads the libtorch addon.
export * from './engine/index.js';
export * from './nn/index.js';
export * from './layers/index.js';
export * from './models/index.js';
export * from './analysis/index.js';
export * from './cnd/index.js';
export * from './zoo/index.js';
export * from './data/index.js';
export * from './measure/index.js';
export * from './train/index.js';
export * from './export/index.js';
export * from './pareto/index.js';
export * from './report/index.js';
export * from './search/index.js';
export { UserInputError } from './util/errors.js';

// Names two folders both export. The description layer's wins the plain name (descriptions are what
// a caller writes), as the training's MemoryFormat ('nchw' | 'channels-last', what --memory-format
// takes) does; the engine's and the module's get a prefix. measure's summarize (statistics of
// samples) stays inside measure: the plain name is the model summary of analysis.
export type { Padding, ConvOptions } from './layers/index.js';
export type { Padding as TensorPadding } from './engine/index.js';
export type { MemoryFormat } from './train/index.js';
export type { MemoryFormat as TensorMemoryFormat } from './engine/index.js';
export type { ConvOptions as ConvModuleOptions } from './nn/index.js';
export { summarize } from './analysis/index.js';
