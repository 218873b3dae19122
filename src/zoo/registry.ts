// The model zoo, timm style: one signature for every model, metadata beside the builder.
//   describeModel('xception-lite', { numClasses: 101, inputSize: 224 })
// Derived models (xception-lite, mobilenet-v2-fire, ...) are the transforms of src/cnd applied to a
// family's description, never a second hand-written model.
import { inferShapes } from '../analysis/shapes.js';
import { ShapeError } from '../layers/index.js';
import {
  mobileNetV2FireRecipe,
  mobileNetV2LateDownsamplingRecipe,
  xceptionLiteRecipe,
} from '../cnd/recipes.js';
import { DESCRIPTION_SCHEMA, type ModelDescription, type Node } from '../models/description.js';
import {
  efficientNetV2Backbone,
  efficientNetV2Preprocessing,
  EFFICIENTNET_V2_VARIANTS,
} from '../models/efficientnet-v2.js';
import { classifierHead, tfModePreprocessing } from '../models/head.js';
import { MOBILENET_V2_ALPHAS, mobileNetV2Backbone } from '../models/mobilenet-v2.js';
import { namesOf } from '../models/walk.js';
import { xceptionBackbone } from '../models/xception.js';
import { xceptionMiniBackbone } from '../models/xception-mini.js';
import { squeezeNetBackbone } from '../models/squeezenet.js';
import { UserInputError } from '../util/errors.js';
import path from 'node:path';
import { describeModelFile, isModelFile, ModelFileError, readModelFile } from './model-file.js';

export interface ModelOptions {
  /** Classes of the head (default 1000, as Keras). */
  numClasses?: number;
  /** Square side or [height, width] of the input image (default 224, the paper's). */
  inputSize?: number | [number, number];
  /** The paper's GlobalAveragePooling -> Dropout(0.2) -> Dense head (default true). */
  includeHead?: boolean;
  /** Rescaling (and for EfficientNetV2 Normalization) layers so the model takes [0, 255] pixels (default true). */
  includePreprocessing?: boolean;
  /** MobileNetV2 width multiplier (default 1.0). */
  alpha?: number;
}

export interface ModelInfo {
  name: string;
  /** The name as papers, tables and plots print it, e.g. 'Xception-Lite'. */
  displayName: string;
  family: ModelDescription['family'];
  /** For the paper's models: their row in the paper's tables (1 = first), the order reports keep. */
  paperTableRow?: number;
  /** One line for `pareto-edge models`. */
  description: string;
  /** Where the architecture comes from. */
  reference: string;
  /** Smallest accepted input side. */
  minInputSize: number;
  /** Options beyond the common ones that this model reads. */
  extraOptions: readonly (keyof ModelOptions)[];
  /** For derived models: the model the transforms start from. */
  derivedFrom?: string;
}

/** A mistake in the model name or options; the message lists what is valid. */
export class ModelOptionsError extends UserInputError {
  override name = 'ModelOptionsError';
}

interface ResolvedOptions {
  numClasses: number;
  height: number;
  width: number;
  includeHead: boolean;
  includePreprocessing: boolean;
  alpha: number;
}

interface Entry {
  info: ModelInfo;
  describe(options: ResolvedOptions): ModelDescription;
}

const MIN_INPUT = 32;
const XCEPTION_PAPER = 'Chollet, Xception, CVPR 2017; Keras applications/xception.py';
const MOBILENET_PAPER = 'Sandler et al., MobileNetV2, CVPR 2018; Keras applications/mobilenet_v2.py';
const SQUEEZENET_PAPER = 'Iandola et al., SqueezeNet, arXiv:1602.07360 (v1.1 as torchvision squeezenet1_1)';
const EFFICIENTNET_PAPER = 'Tan & Le, EfficientNetV2, ICML 2021; Keras applications/efficientnet_v2.py';
const OUR_PAPER =
  'Mih et al., Achieving Pareto Optimality ..., Canadian AI 2024, section 3.3 and its public code';

function assemble(
  name: string,
  family: ModelDescription['family'],
  o: ResolvedOptions,
  preprocessing: Node,
  backbone: Node[],
): ModelDescription {
  return {
    schema: DESCRIPTION_SCHEMA,
    name,
    family,
    input: { height: o.height, width: o.width, channels: 3, pixelRange: [0, 255] },
    numClasses: o.includeHead ? o.numClasses : null,
    layers: [
      ...(o.includePreprocessing ? [preprocessing] : []),
      ...backbone,
      ...(o.includeHead ? [classifierHead(o.numClasses)] : []),
    ],
    transforms: [],
  };
}

function derived(name: string, description: ModelDescription): ModelDescription {
  return { ...description, name };
}

const describeXception = (o: ResolvedOptions): ModelDescription =>
  assemble('xception', 'xception', o, tfModePreprocessing(), xceptionBackbone());

const describeMobileNetV2 = (o: ResolvedOptions): ModelDescription =>
  assemble(
    'mobilenet-v2',
    'mobilenet-v2',
    o,
    tfModePreprocessing(),
    mobileNetV2Backbone(o.alpha, o.height, o.width),
  );

const ENTRIES: Entry[] = [
  {
    info: {
      name: 'xception',
      displayName: 'Xception',
      family: 'xception',
      paperTableRow: 2,
      description:
        'Keras Xception: entry/middle/exit flows of separable convs with residuals (20.9M backbone params)',
      reference: XCEPTION_PAPER,
      minInputSize: MIN_INPUT,
      extraOptions: [],
    },
    describe: describeXception,
  },
  {
    info: {
      name: 'xception-lite',
      displayName: 'Xception-Lite',
      family: 'xception',
      paperTableRow: 1,
      description:
        "The paper's optimized Xception: strategies 1 and 2 of SqueezeNet (1x1 first separable convs, fire-module middle flow, 512-wide entry) plus its code's quirks",
      reference: OUR_PAPER,
      minInputSize: MIN_INPUT,
      extraOptions: [],
      derivedFrom: 'xception',
    },
    describe: (o) => derived('xception-lite', xceptionLiteRecipe(describeXception(o))),
  },
  {
    info: {
      name: 'mobilenet-v2',
      displayName: 'MobileNetV2',
      family: 'mobilenet-v2',
      paperTableRow: 4,
      description: `Keras MobileNetV2: inverted residual blocks with linear bottlenecks (alpha ${MOBILENET_V2_ALPHAS.join('/')}; 2.3M backbone params at 1.0)`,
      reference: MOBILENET_PAPER,
      minInputSize: MIN_INPUT,
      extraOptions: ['alpha'],
    },
    describe: describeMobileNetV2,
  },
  {
    info: {
      name: 'mobilenet-v2-fire',
      displayName: 'MobileNetV2-Fire',
      family: 'mobilenet-v2',
      description:
        'Not in any paper: MobileNetV2 whose identity-residual blocks are SqueezeNet fire modules (strategy 2, parallel expands); untested for accuracy',
      reference: `${MOBILENET_PAPER}; transforms after ${OUR_PAPER}`,
      minInputSize: MIN_INPUT,
      extraOptions: ['alpha'],
      derivedFrom: 'mobilenet-v2',
    },
    describe: (o) => derived('mobilenet-v2-fire', mobileNetV2FireRecipe(describeMobileNetV2(o))),
  },
  {
    info: {
      name: 'mobilenet-v2-late',
      displayName: 'MobileNetV2-Late',
      family: 'mobilenet-v2',
      description:
        'Not in any paper: MobileNetV2 with its first two downsamplings moved later (strategy 3); same params, larger activation maps; untested for accuracy',
      reference: `${MOBILENET_PAPER}; transforms after ${OUR_PAPER}`,
      minInputSize: MIN_INPUT,
      extraOptions: ['alpha'],
      derivedFrom: 'mobilenet-v2',
    },
    describe: (o) => derived('mobilenet-v2-late', mobileNetV2LateDownsamplingRecipe(describeMobileNetV2(o))),
  },
  {
    info: {
      name: 'xception-mini',
      displayName: 'Xception-Mini',
      family: 'xception',
      description:
        "Not in any paper: a three-block miniature of Xception's entry flow (~25k backbone params) for smoke tests and a first look at a data set",
      reference: XCEPTION_PAPER,
      minInputSize: MIN_INPUT,
      extraOptions: [],
    },
    describe: (o) => assemble('xception-mini', 'xception', o, tfModePreprocessing(), xceptionMiniBackbone()),
  },
  {
    info: {
      name: 'squeezenet-1.1',
      displayName: 'SqueezeNet 1.1',
      family: 'squeezenet',
      description:
        "SqueezeNet 1.1, where the paper's three strategies come from: fire modules (1x1 squeeze, 1x1 + 3x3 expands) between max pools, no BatchNorm (0.72M backbone params)",
      reference: SQUEEZENET_PAPER,
      minInputSize: MIN_INPUT,
      extraOptions: [],
    },
    describe: (o) => assemble('squeezenet-1.1', 'squeezenet', o, tfModePreprocessing(), squeezeNetBackbone()),
  },
  ...(['b0', 'b1'] as const).map((variant): Entry => ({
    info: {
      name: `efficientnet-v2-${variant}`,
      displayName: `EfficientNetV2-${variant.toUpperCase()}`,
      family: 'efficientnet-v2',
      // The paper compares B1 only.
      ...(variant === 'b1' ? { paperTableRow: 3 } : {}),
      description: `Keras EfficientNetV2${variant.toUpperCase()}: Fused-MBConv then MBConv stages with squeeze-excite and swish`,
      reference: EFFICIENTNET_PAPER,
      minInputSize: MIN_INPUT,
      extraOptions: [],
    },
    describe: (o) =>
      assemble(
        `efficientnet-v2-${variant}`,
        'efficientnet-v2',
        o,
        efficientNetV2Preprocessing(),
        efficientNetV2Backbone(EFFICIENTNET_V2_VARIANTS[variant]),
      ),
  })),
];

/** The four models the paper compares, in the order its experiments run them. */
export const PAPER_MODELS = ['xception', 'xception-lite', 'mobilenet-v2', 'efficientnet-v2-b1'] as const;

export function listModels(): ModelInfo[] {
  return ENTRIES.map((e) => e.info);
}

export function modelNames(): string[] {
  return ENTRIES.map((e) => e.info.name);
}

export function modelInfo(name: string): ModelInfo {
  return entry(name).info;
}

/** The model's display name, or the name itself for a model not in the zoo (e.g. one since removed). */
export function displayName(name: string): string {
  const zoo = ENTRIES.find((e) => e.info.name === name)?.info.displayName;
  if (zoo !== undefined || !name.endsWith('.json')) return zoo ?? name;
  // A description file (a search's front/2.json) goes by the network's own name, not its path; by the
  // file's name when it has moved since the run (a report rendered on another machine).
  try {
    return readModelFile(name).name;
  } catch {
    return path.basename(name);
  }
}

function entry(name: string): Entry {
  const found = ENTRIES.find((e) => e.info.name === name);
  if (!found) throw new ModelOptionsError(`unknown model '${name}'; models: ${modelNames().join(', ')}`);
  return found;
}

function resolve(info: ModelInfo, options: ModelOptions): ResolvedOptions {
  const size = options.inputSize ?? 224;
  const [height, width] = typeof size === 'number' ? [size, size] : size;
  const min = info.minInputSize;
  for (const side of [height, width])
    if (!Number.isInteger(side) || side < min)
      throw new ModelOptionsError(
        `${info.name} needs an input of at least ${min}x${min} pixels (whole numbers); got ${height}x${width}`,
      );
  const numClasses = options.numClasses ?? 1000;
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new ModelOptionsError(`the number of classes must be a whole number >= 1; got ${numClasses}`);
  const alpha = options.alpha ?? 1.0;
  if (options.alpha !== undefined && !info.extraOptions.includes('alpha'))
    throw new ModelOptionsError(
      `${info.name} has no alpha option; models with one: ${withOption('alpha').join(', ')}`,
    );
  if (!(alpha > 0) || !Number.isFinite(alpha))
    throw new ModelOptionsError(
      `alpha must be a number > 0 (Keras weights exist for ${MOBILENET_V2_ALPHAS.join(', ')}); got ${alpha}`,
    );
  return {
    numClasses,
    height,
    width,
    includeHead: options.includeHead ?? true,
    includePreprocessing: options.includePreprocessing ?? true,
    alpha,
  };
}

function withOption(option: keyof ModelOptions): string[] {
  return ENTRIES.filter((e) => e.info.extraOptions.includes(option)).map((e) => e.info.name);
}

/**
 * The description of a zoo model or of a description file (a name ending in .json or holding a path
 * separator, see ./model-file.ts), checked: unique names and consistent shapes at this input size.
 */
export function describeModel(nameOrFile: string, options: ModelOptions = {}): ModelDescription {
  if (isModelFile(nameOrFile)) {
    const description = describeModelFile(nameOrFile, options);
    try {
      checkDescription(description);
    } catch (error) {
      throw new ModelFileError(`model file ${nameOrFile}: ${(error as Error).message}`);
    }
    return description;
  }
  const e = entry(nameOrFile);
  const description = e.describe(resolve(e.info, options));
  checkDescription(description);
  return description;
}

/** Throws if names repeat or shapes do not fit together. */
export function checkDescription(description: ModelDescription): void {
  const seen = new Set<string>();
  for (const n of namesOf(description.layers)) {
    if (seen.has(n)) throw new ShapeError(`${description.name}: the name '${n}' is used twice`);
    seen.add(n);
  }
  const { height, width, channels } = description.input;
  inferShapes(description.layers, [height, width, channels]);
}
