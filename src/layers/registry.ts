// Every layer type, by kind. Shape inference, costs, the memory model and the builder look a layer's
// definition up here; adding a layer type is one file and one line in one of the lists below.
import { activationDefinition } from './activation.js';
import { addDefinition } from './add.js';
import { batchNormalizationDefinition } from './batch-normalization.js';
import { concatenateDefinition } from './concatenate.js';
import { conv2dDefinition, type Conv2DLayer } from './conv-2d.js';
import { denseDefinition } from './dense.js';
import { depthwiseConv2dDefinition, type DepthwiseConv2DLayer } from './depthwise-conv-2d.js';
import { dropoutDefinition } from './dropout.js';
import { flattenDefinition } from './flatten.js';
import { globalAveragePooling2dDefinition } from './global-average-pooling-2d.js';
import type { KeepRule, LayerDefinition, LayerFields, MergeDefinition, WeightSpec } from './layer.js';
import { multiplyDefinition } from './multiply.js';
import { normalizationDefinition } from './normalization.js';
import { averagePooling2dDefinition, maxPooling2dDefinition } from './pooling.js';
import { rescalingDefinition } from './rescaling.js';
import { reshapeDefinition } from './reshape.js';
import { separableConv2dDefinition, type SeparableConv2DLayer } from './separable-conv-2d.js';
import { zeroPadding2dDefinition } from './zero-padding-2d.js';

/** Layers with one input and one output. */
const LAYER_DEFINITIONS = [
  conv2dDefinition,
  depthwiseConv2dDefinition,
  separableConv2dDefinition,
  denseDefinition,
  batchNormalizationDefinition,
  activationDefinition,
  maxPooling2dDefinition,
  averagePooling2dDefinition,
  globalAveragePooling2dDefinition,
  dropoutDefinition,
  rescalingDefinition,
  normalizationDefinition,
  zeroPadding2dDefinition,
  reshapeDefinition,
  flattenDefinition,
] as const;

/** Layers joining a block's branches. */
const MERGE_DEFINITIONS = [addDefinition, multiplyDefinition, concatenateDefinition] as const;

type Described<D> = D extends LayerDefinition<infer L> ? L : D extends MergeDefinition<infer M> ? M : never;

/** A description layer with one input and one output: the union of every defined type. */
export type Layer = Described<(typeof LAYER_DEFINITIONS)[number]>;
export type MergeLayer = Described<(typeof MERGE_DEFINITIONS)[number]>;
export type ConvLayer = Conv2DLayer | DepthwiseConv2DLayer | SeparableConv2DLayer;

function byKind<D extends { kind: string }>(definitions: readonly D[]): Map<string, D> {
  const map = new Map<string, D>();
  for (const d of definitions) {
    if (map.has(d.kind)) throw new Error(`layer kind '${d.kind}' is defined twice in src/layers/registry.ts`);
    map.set(d.kind, d);
  }
  return map;
}

// Method parameters are checked bivariantly, so each specific definition is a definition of the union.
const LAYERS = byKind<LayerDefinition<Layer>>(LAYER_DEFINITIONS);
const MERGES = byKind<MergeDefinition<MergeLayer>>(MERGE_DEFINITIONS);

function unknownKind(node: LayerFields, known: Map<string, unknown>): Error {
  return new RangeError(
    `${node.name}: unknown layer kind '${node.kind}'; kinds: ${[...known.keys()].join(', ')}`,
  );
}

export function layerDefinition(layer: Layer): LayerDefinition<Layer> {
  const definition = LAYERS.get(layer.kind);
  if (!definition) throw unknownKind(layer, LAYERS);
  return definition;
}

export function mergeDefinition(merge: MergeLayer): MergeDefinition<MergeLayer> {
  const definition = MERGES.get(merge.kind);
  if (!definition) throw unknownKind(merge, MERGES);
  return definition;
}

export function isConv(node: { kind: string }): node is ConvLayer {
  return node.kind === 'Conv2D' || node.kind === 'DepthwiseConv2D' || node.kind === 'SeparableConv2D';
}

/** The keep rule of every primitive op kind, gathered from the layer files that declare them. */
export function opKeepRules(): Record<string, KeepRule> {
  const rules: Record<string, KeepRule> = {};
  for (const definition of [...LAYERS.values(), ...MERGES.values()])
    for (const [kind, rule] of Object.entries(definition.ops)) {
      if (kind in rules)
        throw new Error(`op kind '${kind}' has a keep rule in two layer files (${definition.kind})`);
      rules[kind] = rule;
    }
  return rules;
}

/** The weights of any layer receiving `inChannels` channels (Keras names and layouts, initialisers). */
export function layerWeights(layer: Layer, inChannels: number): WeightSpec[] {
  return layerDefinition(layer).weights(layer, inChannels);
}

/** Whether layers of this kind normalise with batch statistics in training (LayerDefinition.batchStatistics). */
export function usesBatchStatistics(kind: string): boolean {
  return LAYERS.get(kind)?.batchStatistics === true;
}
