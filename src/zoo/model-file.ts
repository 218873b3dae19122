// A model description file (JSON of a ModelDescription, e.g. what `pareto-edge search` writes to
// front/<k>.json or `summary --describe` prints) used wherever a zoo model name is accepted. The file
// is checked in two steps: its structure with zod (so a missing field or a wrong type is named by
// its path), then its layers by shape inference (an unknown layer kind or a misfit names the layer).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { inferShapes } from '../analysis/shapes.js';
import {
  DESCRIPTION_SCHEMA,
  type ModelDescription,
  type Node,
  type Sequence,
} from '../models/description.js';
import { UserInputError } from '../util/errors.js';

/** A description file that cannot be read, is not a description, or does not fit the options asked. */
export class ModelFileError extends UserInputError {
  override name = 'ModelFileError';
}

/** A model reference names a file when it ends in .json or contains a path separator. */
export function isModelFile(reference: string): boolean {
  return reference.endsWith('.json') || reference.includes('/') || reference.includes(path.sep);
}

const ROLES = [
  'preprocessing',
  'stem',
  'flow',
  'stage',
  'block',
  'fire',
  'squeeze-excite',
  'top',
  'head',
] as const;

const named = { name: z.string().min(1) };
// A layer's own fields are checked by its definition during shape inference; here only its identity.
const layer = z.looseObject({ kind: z.string().min(1), ...named });
const node: z.ZodType<Node> = z.lazy(() =>
  z.union([
    z.strictObject({ kind: z.literal('Sequence'), ...named, role: z.enum(ROLES), layers: z.array(node) }),
    z.strictObject({
      kind: z.literal('Block'),
      ...named,
      role: z.enum(ROLES),
      branches: z.array(z.strictObject({ ...named, layers: z.array(node) })).min(1),
      merge: layer,
    }),
    layer.refine((l) => l.kind !== 'Sequence' && l.kind !== 'Block', 'a Sequence or Block with bad fields'),
  ]),
) as unknown as z.ZodType<Node>;

const positiveInt = z.number().int().min(1);
const descriptionSchema = z.strictObject({
  schema: z.literal(DESCRIPTION_SCHEMA),
  name: z.string().min(1),
  family: z.enum(['xception', 'mobilenet-v2', 'efficientnet-v2', 'squeezenet']),
  input: z.strictObject({
    height: positiveInt,
    width: positiveInt,
    channels: positiveInt,
    pixelRange: z.tuple([z.number(), z.number()]),
  }),
  numClasses: positiveInt.nullable(),
  layers: z.array(node).min(1),
  transforms: z.array(z.string()),
});

/** Reads and checks a description file; every problem names the file. */
export function readModelFile(file: string): ModelDescription {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ModelFileError(
      `model file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
        'pass a zoo model name (see `pareto-edge models`) or the path of a description JSON file',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`model file ${file} is not JSON (${(error as Error).message}): fix the syntax`);
  }
  const parsed = descriptionSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
    throw new ModelFileError(
      `model file ${file} is not a model description (${DESCRIPTION_SCHEMA}): ${problems.join('; ')}`,
    );
  }
  const description = parsed.data as ModelDescription;
  try {
    const { height, width, channels } = description.input;
    inferShapes(description.layers, [height, width, channels]);
  } catch (error) {
    throw new ModelFileError(
      `model file ${file} describes layers that do not fit: ${(error as Error).message}`,
    );
  }
  return description;
}

export interface FileModelOptions {
  numClasses?: number;
  inputSize?: number | [number, number];
  includeHead?: boolean;
  includePreprocessing?: boolean;
  alpha?: number;
}

/**
 * The file's description adapted to what the caller trains: the head's classes are set to the data's,
 * preprocessing or the head is dropped when asked. The input size is the file's own: a different
 * one is refused (some families, e.g. MobileNetV2, bake size-dependent padding into the description).
 */
export function describeModelFile(file: string, options: FileModelOptions): ModelDescription {
  const description = structuredClone(readModelFile(file));
  if (options.alpha !== undefined)
    throw new ModelFileError(
      `model file ${file}: --alpha applies to zoo models only; a description file has its widths written out`,
    );
  if (options.inputSize !== undefined) {
    const [height, width] =
      typeof options.inputSize === 'number' ? [options.inputSize, options.inputSize] : options.inputSize;
    const { height: h, width: w } = description.input;
    if (height !== h || width !== w)
      throw new ModelFileError(
        `model file ${file} describes a ${h}x${w} input but ${height}x${width} was asked; pass --input ${h}`,
      );
  }
  if (options.includePreprocessing === false)
    description.layers = withoutRole(description.layers, 'preprocessing');
  if (options.includeHead === false) {
    description.layers = withoutRole(description.layers, 'head');
    description.numClasses = null;
  } else if (options.numClasses !== undefined && description.numClasses !== options.numClasses) {
    setHeadClasses(description, file, options.numClasses);
  }
  return description;
}

/** The description as the trainer builds it: the loader already rescales pixels, so no preprocessing layers. */
export function trainingView(description: ModelDescription): ModelDescription {
  return { ...description, layers: withoutRole(description.layers, 'preprocessing') };
}

function withoutRole(layers: Node[], role: Sequence['role']): Node[] {
  return layers.filter((n) => !(n.kind === 'Sequence' && n.role === role));
}

/** Points the head's last Dense layer at `classes` outputs. */
function setHeadClasses(description: ModelDescription, file: string, classes: number): void {
  const head = description.layers.find((n): n is Sequence => n.kind === 'Sequence' && n.role === 'head');
  const dense = [...(head?.layers ?? [])].reverse().find((n) => n.kind === 'Dense');
  if (!dense || dense.kind !== 'Dense')
    throw new ModelFileError(
      `model file ${file} has no head (a Sequence with role 'head' ending in a Dense layer) to give ${classes} classes`,
    );
  dense.units = classes;
  description.numClasses = classes;
}
