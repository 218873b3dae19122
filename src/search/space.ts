// The search spaces, as data: for each family the genes (name, the values it may take) and the ordered
// steps that turn a genome into transforms of src/cnd applied to the zoo's base model. The paper's
// Xception-Lite and the unmodified family are genomes of their space (`seeds`), and a value that
// changes nothing adds no transform, so decoding a seed gives exactly the zoo's description.
import { createHash } from 'node:crypto';
import {
  blocksIn,
  delayDownsampling,
  fireFor,
  fireModule,
  firstConvOfBlocks,
  identityResidualBlocks,
  keepBlocks,
  paperCodeQuirks,
  replace3x3With1x1,
  scaleWidths,
  selectLayerNames,
  setBlockWidth,
  TransformError,
  type FireShape,
} from '../cnd/index.js';
import { channelsOf } from '../layers/index.js';
import type { ModelDescription } from '../models/description.js';
import { nodesOf, requireNode } from '../models/walk.js';
import { nodeShapes } from '../cnd/edit.js';
import { describeModel, type ModelOptions } from '../zoo/registry.js';
import { UserInputError } from '../util/errors.js';

export type GeneValue = number | string | boolean;
export type Genome = Readonly<Record<string, GeneValue>>;

export interface Gene {
  name: string;
  /** Allowed values; numbers in increasing order, so mutation can step to a neighbour. */
  values: readonly GeneValue[];
  help: string;
}

/** One step of decoding; genes are referred to by name, and steps run in the order listed. */
export type Step =
  /** Keep the first N blocks of a flow or stage (gene: N). */
  | { transform: 'keepBlocks'; container: string; gene: string }
  /** Multiply the widths inside these nodes (gene: multiplier). */
  | { transform: 'scaleWidths'; nodes: string[]; gene: string }
  /** Strategy 1 on every target whose gene says so, as one transform ('first': each block's first conv; 'all'). */
  | {
      transform: 'oneByOne';
      targets: { gene: string; containers: string[]; conv: 'SeparableConv2D' | 'DepthwiseConv2D' }[];
    }
  /** Strategy 2: the width of the residual stream from the last block of `container` on (gene: width). */
  | { transform: 'blockWidth'; lastBlockOf: string; gene: string }
  /** Strategy 2: fire modules for the identity-residual blocks inside the containers. */
  | {
      transform: 'fire';
      containers: string[];
      gene: string;
      squeezeRatio: string;
      expandSplit: string;
      arrangement: string;
    }
  /**
   * Strategy 3: for each value of the gene, which downsamplings move after which node (a flow or
   * stage stands for its last block, whatever depth the genome gave it).
   */
  | {
      transform: 'delayDownsampling';
      gene: string;
      moves: Record<string, { from: string; after: string }[]>;
    }
  /** The paper code's quirks (gene: on/off). */
  | { transform: 'paperCodeQuirks'; gene: string };

export interface SearchSpace {
  family: 'xception' | 'mobilenet-v2';
  /** The zoo model every genome starts from. */
  base: string;
  /** Genes read as zoo options of the base model rather than by a step. */
  baseOptions: { alpha?: string };
  genes: Gene[];
  steps: Step[];
  /** Named genomes placed in the first generation: the paper's model and the unmodified family. */
  seeds: Record<string, Genome>;
}

/** The input size is a gene of every space; its values are what the user allows (--input, --input-sizes). */
export const INPUT_GENE = 'inputSize';

const bool = [false, true] as const;

export const XCEPTION_SPACE: SearchSpace = {
  family: 'xception',
  base: 'xception',
  baseOptions: {},
  genes: [
    { name: 'middleBlocks', values: [1, 2, 4, 6, 8], help: 'residual blocks in the middle flow' },
    {
      name: 'entryMultiplier',
      values: [0.25, 0.5, 0.75, 1],
      help: 'width multiplier of the stem and blocks 2-3',
    },
    { name: 'exitMultiplier', values: [0.25, 0.5, 0.75, 1], help: 'width multiplier of the exit flow' },
    { name: 'entry1x1', values: ['none', 'first', 'all'], help: 'entry-flow separable convs made 1x1' },
    { name: 'middle1x1', values: ['none', 'first'], help: 'middle-flow separable convs made 1x1' },
    {
      name: 'exit1x1',
      values: ['none', 'first', 'all'],
      help: 'exit-flow block 13 separable convs made 1x1',
    },
    { name: 'entryWidth', values: [256, 384, 512, 728], help: 'width at the end of the entry flow' },
    { name: 'middleFire', values: bool, help: 'middle-flow blocks become fire modules' },
    { name: 'squeezeRatio', values: [0.125, 0.25, 0.5], help: 'fire squeeze width / block width' },
    { name: 'expandSplit', values: [0.25, 0.5, 0.75], help: 'share of 1x1 expand filters' },
    { name: 'fireArrangement', values: ['sequential', 'parallel'], help: "the paper code's or SqueezeNet's" },
    { name: 'downsampling', values: ['keras', 'late'], help: "late: block 2's downsampling after block 3" },
    { name: 'paperCodeQuirks', values: bool, help: "the paper code's incidental differences from Keras" },
  ],
  steps: [
    { transform: 'keepBlocks', container: 'middle_flow', gene: 'middleBlocks' },
    { transform: 'scaleWidths', nodes: ['block1', 'block2', 'block3'], gene: 'entryMultiplier' },
    { transform: 'scaleWidths', nodes: ['exit_flow'], gene: 'exitMultiplier' },
    {
      transform: 'oneByOne',
      targets: [
        { gene: 'entry1x1', containers: ['entry_flow'], conv: 'SeparableConv2D' },
        { gene: 'middle1x1', containers: ['middle_flow'], conv: 'SeparableConv2D' },
        { gene: 'exit1x1', containers: ['exit_flow'], conv: 'SeparableConv2D' },
      ],
    },
    { transform: 'blockWidth', lastBlockOf: 'entry_flow', gene: 'entryWidth' },
    {
      transform: 'fire',
      containers: ['middle_flow'],
      gene: 'middleFire',
      squeezeRatio: 'squeezeRatio',
      expandSplit: 'expandSplit',
      arrangement: 'fireArrangement',
    },
    {
      transform: 'delayDownsampling',
      gene: 'downsampling',
      moves: { keras: [], late: [{ from: 'block2', after: 'block3' }] },
    },
    { transform: 'paperCodeQuirks', gene: 'paperCodeQuirks' },
  ],
  seeds: {
    xception: {
      middleBlocks: 8,
      entryMultiplier: 1,
      exitMultiplier: 1,
      entry1x1: 'none',
      middle1x1: 'none',
      exit1x1: 'none',
      entryWidth: 728,
      middleFire: false,
      squeezeRatio: 0.5,
      expandSplit: 0.5,
      fireArrangement: 'sequential',
      downsampling: 'keras',
      paperCodeQuirks: false,
    },
    'xception-lite': {
      middleBlocks: 8,
      entryMultiplier: 1,
      exitMultiplier: 1,
      entry1x1: 'first',
      middle1x1: 'none',
      exit1x1: 'first',
      entryWidth: 512,
      middleFire: true,
      squeezeRatio: 0.5,
      expandSplit: 0.5,
      fireArrangement: 'sequential',
      downsampling: 'keras',
      paperCodeQuirks: true,
    },
  },
};

const MOBILENET_STAGE_REPEATS = [1, 2, 3, 4, 3, 3, 1];

export const MOBILENET_V2_SPACE: SearchSpace = {
  family: 'mobilenet-v2',
  base: 'mobilenet-v2',
  baseOptions: { alpha: 'alpha' },
  genes: [
    { name: 'alpha', values: [0.35, 0.5, 0.75, 1, 1.3], help: 'width multiplier of the whole network' },
    ...MOBILENET_STAGE_REPEATS.flatMap((repeats, i) =>
      repeats > 1
        ? [
            {
              name: `stage${i + 1}Blocks`,
              values: Array.from({ length: repeats }, (_, k) => k + 1),
              help: `blocks in stage ${i + 1}`,
            },
          ]
        : [],
    ),
    { name: 'late1x1', values: ['none', 'all'], help: 'depthwise convs of stages 6-7 made 1x1' },
    { name: 'fire', values: bool, help: 'identity-residual blocks become fire modules' },
    { name: 'squeezeRatio', values: [0.125, 0.25, 0.5], help: 'fire squeeze width / block width' },
    { name: 'expandSplit', values: [0.25, 0.5, 0.75], help: 'share of 1x1 expand filters' },
    { name: 'fireArrangement', values: ['parallel', 'sequential'], help: "SqueezeNet's or the paper code's" },
    {
      name: 'downsampling',
      values: ['keras', 'late'],
      help: "late: stage 2's and 3's downsampling after their last block (strategy 3)",
    },
  ],
  steps: [
    ...MOBILENET_STAGE_REPEATS.flatMap((repeats, i): Step[] =>
      repeats > 1
        ? [{ transform: 'keepBlocks', container: `stage${i + 1}`, gene: `stage${i + 1}Blocks` }]
        : [],
    ),
    {
      transform: 'oneByOne',
      targets: [{ gene: 'late1x1', containers: ['stage6', 'stage7'], conv: 'DepthwiseConv2D' }],
    },
    {
      transform: 'fire',
      containers: ['stage2', 'stage3', 'stage4', 'stage5', 'stage6'],
      gene: 'fire',
      squeezeRatio: 'squeezeRatio',
      expandSplit: 'expandSplit',
      arrangement: 'fireArrangement',
    },
    {
      transform: 'delayDownsampling',
      gene: 'downsampling',
      moves: {
        keras: [],
        late: [
          { from: 'block_1', after: 'stage2' },
          { from: 'block_3', after: 'stage3' },
        ],
      },
    },
  ],
  seeds: {
    'mobilenet-v2': {
      alpha: 1,
      ...Object.fromEntries(
        MOBILENET_STAGE_REPEATS.flatMap((r, i) => (r > 1 ? [[`stage${i + 1}Blocks`, r]] : [])),
      ),
      late1x1: 'none',
      fire: false,
      squeezeRatio: 0.25,
      expandSplit: 0.5,
      fireArrangement: 'parallel',
      downsampling: 'keras',
    },
  },
};

export const SPACES: Record<SearchSpace['family'], SearchSpace> = {
  xception: XCEPTION_SPACE,
  'mobilenet-v2': MOBILENET_V2_SPACE,
};

/** The space of a family with the input sizes the user allows added as a gene. */
export function spaceFor(family: string, inputSizes: readonly number[]): SearchSpace {
  const space = SPACES[family as SearchSpace['family']];
  if (!space)
    throw new UserInputError(`unknown --family '${family}'; families: ${Object.keys(SPACES).join(', ')}`);
  const sizes = [...new Set(inputSizes)].sort((a, b) => a - b);
  const seedSize = sizes[sizes.length - 1]!;
  return {
    ...space,
    genes: [{ name: INPUT_GENE, values: sizes, help: 'input side in pixels' }, ...space.genes],
    seeds: Object.fromEntries(
      Object.entries(space.seeds).map(([name, genome]) => [name, { [INPUT_GENE]: seedSize, ...genome }]),
    ),
  };
}

/** The genome's value of a gene, checked against the space. */
function valueOf(space: SearchSpace, genome: Genome, name: string): GeneValue {
  const gene = space.genes.find((g) => g.name === name);
  const value = genome[name];
  if (!gene || value === undefined || !gene.values.includes(value))
    throw new TransformError(
      `genome value ${JSON.stringify(value)} for gene '${name}' is not in the ${space.family} space`,
    );
  return value;
}

/**
 * The description of a genome: the base model at the genome's input size (and the space's base
 * options), then each step's transforms. Throws a TransformError for a genome whose transforms do
 * not fit together (the search counts it as infeasible).
 */
export function decode(
  space: SearchSpace,
  genome: Genome,
  options: Pick<ModelOptions, 'numClasses'>,
): ModelDescription {
  const num = (name: string) => valueOf(space, genome, name) as number;
  const alphaGene = space.baseOptions.alpha;
  const baseOptions = {
    ...options,
    inputSize: num(INPUT_GENE),
    ...(alphaGene ? { alpha: num(alphaGene) } : {}),
  };
  const key = JSON.stringify([space.base, baseOptions]);
  let base = BASES.get(key);
  if (!base) {
    base = describeModel(space.base, baseOptions);
    BASES.set(key, base);
  }
  let d = base;
  for (const step of space.steps) d = applyStep(space, genome, step, d);
  // Transforms copy what they change; a genome that changes nothing must not hand out the cached base.
  return d === base ? structuredClone(base) : d;
}

/** Base descriptions by model and options: a search decodes thousands of genomes from a few bases. */
const BASES = new Map<string, ModelDescription>();

function applyStep(space: SearchSpace, genome: Genome, step: Step, d: ModelDescription): ModelDescription {
  const value = (name: string) => valueOf(space, genome, name);
  switch (step.transform) {
    case 'keepBlocks': {
      const count = value(step.gene) as number;
      const current = (requireNode(d, step.container, 'Sequence') as { layers: unknown[] }).layers.length;
      return count >= current ? d : keepBlocks(d, step.container, count);
    }
    case 'scaleWidths':
      return scaleWidths(d, step.nodes, value(step.gene) as number);
    case 'oneByOne': {
      const names = step.targets.flatMap((target) => {
        const which = value(target.gene);
        if (which === 'none') return [];
        const blocks = blocksIn(d, target.containers);
        if (which === 'first') return firstConvOfBlocks(d, blocks, target.conv);
        return selectLayerNames(
          d,
          (layer, path) =>
            layer.kind === target.conv &&
            layer.kernelSize[0] === 3 &&
            target.containers.some((c) => path.includes(c)),
        );
      });
      return names.length === 0 ? d : replace3x3With1x1(d, names);
    }
    case 'blockWidth': {
      const blocks = blocksIn(d, [step.lastBlockOf]);
      const last = blocks[blocks.length - 1]!;
      const width = value(step.gene) as number;
      const current = channelsOf(nodeShapes(d).get(last)!.output);
      return width === current ? d : setBlockWidth(d, last, width);
    }
    case 'fire': {
      if (value(step.gene) !== true) return d;
      const shape: FireShape = {
        squeezeRatio: value(step.squeezeRatio) as number,
        expandSplit: value(step.expandSplit) as number,
        arrangement: value(step.arrangement) as FireShape['arrangement'],
      };
      // One transform per run of equally wide blocks (Xception's middle flow is one run).
      const shapes = nodeShapes(d);
      const inside = new Set(
        step.containers.flatMap((c) => nodesOf([requireNode(d, c)]).map((v) => v.node.name)),
      );
      const runs: { width: number; blocks: string[] }[] = [];
      for (const name of identityResidualBlocks(d).filter((b) => inside.has(b))) {
        const width = channelsOf(shapes.get(name)!.input);
        const last = runs[runs.length - 1];
        if (last && last.width === width) last.blocks.push(name);
        else runs.push({ width, blocks: [name] });
      }
      return runs.reduce((acc, run) => fireModule(acc, run.blocks, fireFor(run.width, shape)), d);
    }
    case 'delayDownsampling': {
      const moves = step.moves[String(value(step.gene))] ?? [];
      return moves.reduce((acc, move) => {
        const node = requireNode(acc, move.after);
        const after = node.kind === 'Sequence' ? node.layers[node.layers.length - 1]!.name : move.after;
        // With its stage cut to one block there is nothing to move the downsampling past.
        return after === move.from ? acc : delayDownsampling(acc, { from: move.from, after });
      }, d);
    }
    case 'paperCodeQuirks':
      return value(step.gene) === true ? paperCodeQuirks(d) : d;
  }
}

/** The genome's canonical text (genes in the space's order): equal genomes, equal keys. */
export function genomeKey(space: SearchSpace, genome: Genome): string {
  return JSON.stringify(space.genes.map((g) => genome[g.name]));
}

/** A short hash of what a description computes (its name left out): equal networks, equal hashes. */
export function descriptionHash(description: ModelDescription): string {
  const { name: _name, ...rest } = description;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 12);
}
