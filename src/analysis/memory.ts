// Predicted memory of one training step (and of inference) without running anything: an event
// simulation of what a libtorch-style autograd engine allocates and frees, over the op graph.
//
//   peak = weights + gradients + optimizer state                         (persistent, float32)
//        + max over the step of (live activations + kept-for-backward tensors + activation gradients
//                                + the running op's workspace)
//
// Forward: each op allocates its output (and any extra saved buffer: pooling indices, batch-norm
// statistics, dropout masks); an output is freed once its last consumer has run unless some op keeps
// it for backward. Backward (reverse op order): an op allocates the gradients of its inputs (add,
// concat and reshape pass the incoming gradient on without allocating), runs with its workspace, then
// frees its output's gradient and whatever only it kept. The optimizer step adds temporaries. Which
// tensors each op kind keeps is a table (LIBTORCH_KEEP_RULES, declared by the layer files of src/layers)
// that can be overridden to calibrate; the rules may differ for channels-last activations and under
// bfloat16 autocast, where each tensor takes the dtype its op's autocast rule gives it (2 bytes per
// element in bfloat16) and convolutions and matrix products keep bfloat16 copies of their weights
// (and of float32 inputs) for backward.
import { opKeepRules, type KeepRule } from '../layers/index.js';
import type { ModelDescription } from '../models/description.js';
import { lowerToOps, type Op, type OpGraph, type OpKind } from './ops.js';

export type KeepRules = Record<OpKind, KeepRule>;

/**
 * What libtorch 1.13 (CPU, NCHW) keeps for backward, from its derivatives.yaml, per primitive op kind:
 * each layer file in src/layers declares the rules of the ops it introduces, with the reasons and the
 * calibration of the workspaces (test/analysis/calibration).
 */
export const LIBTORCH_KEEP_RULES: Readonly<KeepRules> = opKeepRules();

export interface OptimizerModel {
  name: string;
  /** State tensors per trainable parameter (Adam: exp_avg and exp_avg_sq). */
  stateTensorsPerParam: number;
  /** Bytes of one state value: 4 (float32), 2 (bfloat16 moments). */
  stateBytesPerValue: number;
  /** Float32 temporaries during the update, as a multiple of the largest layer's trainable parameters. */
  stepTemporaries: number;
  /** The update works on at most this many elements of a parameter at once (default: whole ones). */
  stepChunkElements?: number;
}

export const ADAM: OptimizerModel = {
  name: 'adam',
  stateTensorsPerParam: 2,
  stateBytesPerValue: 4,
  stepTemporaries: 2,
};

/**
 * Adam with bfloat16 moments (src/engine/optim.ts): half the state; its update works on slices of at
 * most BFLOAT16_UPDATE_CHUNK (2^18) elements of a parameter, each with 5.25 slices of float32
 * temporaries at its peak (a float32 copy of v, and stochastic rounding's four float32 tensors and a
 * one-byte mask: src/engine/stochastic-rounding.ts; measured 5.25 in test/engine/bf16-moments.test.ts).
 */
export const ADAM_BF16_MOMENTS: OptimizerModel = {
  name: 'adam (bfloat16 moments)',
  stateTensorsPerParam: 2,
  stateBytesPerValue: 2,
  stepTemporaries: 5.25,
  stepChunkElements: 2 ** 18,
};

/** Bytes of the optimizer's temporaries during an update, for a model whose largest layer has this many trainable parameters. */
export function stepTemporaryBytes(optimizer: OptimizerModel, largestLayerParams: number): number {
  const elements = Math.min(largestLayerParams, optimizer.stepChunkElements ?? largestLayerParams);
  return optimizer.stepTemporaries * elements * BYTES;
}

/** SGD keeps one velocity buffer per parameter when it has momentum (src/engine/optim.ts), none without. */
export function sgd({ momentum }: { momentum: number }): OptimizerModel {
  if (!(momentum >= 0)) throw new RangeError(`SGD momentum must be a number >= 0; got ${momentum}`);
  return {
    name: 'sgd',
    stateTensorsPerParam: momentum > 0 ? 1 : 0,
    stateBytesPerValue: 4,
    stepTemporaries: 0,
  };
}

/** What a training step computes in: float32, or bfloat16 autocast (src/train/precision.ts). */
export type ComputePrecision = 'fp32' | 'bf16';
/** The activations' memory format (src/train/memory-format.ts). */
export type ActivationFormat = 'nchw' | 'channels-last';

export interface MemoryOptions {
  batchSize: number;
  /** Default fp32. */
  precision?: ComputePrecision;
  /** Default nchw. */
  memoryFormat?: ActivationFormat;
  /** Overrides of LIBTORCH_KEEP_RULES, per op kind. */
  rules?: Partial<Record<OpKind, Partial<KeepRule>>>;
  optimizer?: OptimizerModel;
  /** Named switches (default 'pareto-edge'); gradientsPersist / keepAllForwardOutputs override them. */
  preset?: MemoryPresetName;
  /** Parameter gradients stay allocated between steps (zero_grad without set_to_none). */
  gradientsPersist?: boolean;
  /** The engine keeps every forward output until the step ends (e.g. a scope disposing at the end). */
  keepAllForwardOutputs?: boolean;
  /**
   * Optimizer step in backward: ops (indices) at which a block starts; when backward has run one, the
   * block's parameter gradients are applied and freed (with the optimizer's temporaries).
   */
  applyInBackwardAt?: ReadonlySet<number>;
  /** Called with the bytes in use at every op, forward and backward, e.g. to plot or calibrate. */
  trace?: (event: {
    phase: 'forward' | 'backward' | 'optimizer';
    layer: string;
    op: OpKind | 'step';
    bytes: number;
  }) => void;
}

/** How an engine and training loop hold memory; the switches of MemoryOptions, by name. */
export interface MemoryPreset {
  description: string;
  keepAllForwardOutputs: boolean;
  gradientsPersist: boolean;
}

export const MEMORY_PRESETS = {
  /**
   * pareto-edge's trainer (src/train/trainer.ts): modules release each intermediate activation as
   * soon as the next layer has consumed it (src/nn/module.ts, releaseIntermediate), so only what
   * autograd saves lives until backward, and zeroGrad() sets the previous step's gradients to null
   * before the forward pass.
   * Checked live against the allocator in test/analysis/measured-peak.test.ts.
   */
  'pareto-edge': {
    description:
      'pareto-edge trainer: only tensors autograd saves live until backward; gradients freed before the step',
    keepAllForwardOutputs: false,
    gradientsPersist: false,
  },
  /** A step that keeps every forward output until it ends (e.g. one tidy() scope without early release). */
  'keep-all': {
    description: 'every forward output lives until the step ends; gradients freed before backward',
    keepAllForwardOutputs: true,
    gradientsPersist: false,
  },
  /** An eager PyTorch step: only what autograd saves outlives its consumers; zero_grad(set_to_none=False). */
  'libtorch-autograd': {
    description:
      'eager PyTorch-style step: only tensors autograd saves live until backward; gradients kept between steps',
    keepAllForwardOutputs: false,
    gradientsPersist: true,
  },
} as const satisfies Record<string, MemoryPreset>;

export type MemoryPresetName = keyof typeof MEMORY_PRESETS;

export const DEFAULT_MEMORY_PRESET: MemoryPresetName = 'pareto-edge';

export interface TrainingMemory {
  /** The preset the switches came from, or 'custom'. */
  model: MemoryPresetName | 'custom';
  batchSize: number;
  /** Bytes of an activation element (4 in float32, 2 under bfloat16 autocast). */
  bytesPerElement: number;
  /** All weights including batch-norm moving statistics. */
  weightsBytes: number;
  gradientBytes: number;
  optimizerStateBytes: number;
  /** The input batch (images), held by the caller for the whole step. */
  inputBytes: number;
  /** Tensors kept for backward when the forward pass ends (activations, indices, statistics, masks). */
  savedForBackwardBytes: number;
  /**
   * The rest of the peak: live activations, activation gradients and the running op's workspace (and
   * the parameter gradients made so far, when they do not persist between steps).
   */
  peakActivationBytes: number;
  /** The predicted allocator peak of a training step (steady state: optimizer state exists). */
  trainingPeakBytes: number;
  peakPhase: 'forward' | 'backward' | 'optimizer';
  /** The op running at the peak. */
  peakAt: string;
  /**
   * Peak of an inference forward pass (no autograd) above the weights: live activations and the
   * running op's temporaries (a second output buffer, a reorder of its weights).
   */
  inferenceActivationPeakBytes: number;
}

const BYTES = 4;
const BFLOAT16_BYTES = 2;

/** The rules for a precision and format: each op's variants applied, then the overrides. */
function resolveRules(
  overrides: MemoryOptions['rules'] = {},
  precision: ComputePrecision,
  format: ActivationFormat,
): KeepRules {
  const rules: KeepRules = {};
  for (const [kind, base] of Object.entries(LIBTORCH_KEEP_RULES))
    rules[kind] = {
      ...base,
      ...(format === 'channels-last' ? base.channelsLast : {}),
      ...(precision === 'bf16' ? base.bfloat16 : {}),
      ...(format === 'channels-last' && precision === 'bf16' ? base.channelsLastBfloat16 : {}),
    };
  for (const [kind, rule] of Object.entries(overrides) as [OpKind, Partial<KeepRule>][]) {
    const base = rules[kind];
    if (!base)
      throw new RangeError(
        `no keep rule to override for op kind '${kind}'; kinds: ${Object.keys(rules).join(', ')}`,
      );
    rules[kind] = { ...base, ...rule };
  }
  return rules;
}

/**
 * Bytes per element of each tensor: float32, or under bfloat16 autocast what each op's autocast rule
 * makes of its inputs (the image is float32; convolutions make bfloat16, which later ops follow).
 */
export function elementBytes(graph: OpGraph, precision: ComputePrecision = 'fp32'): number[] {
  const bytes = graph.tensors.map(() => BYTES);
  if (precision === 'fp32') return bytes;
  bytes[graph.input] = graph.inputBytesUnderAutocast ?? BYTES;
  for (const op of graph.ops) {
    const rule = LIBTORCH_KEEP_RULES[op.kind];
    bytes[op.output] =
      rule.autocast === 'bfloat16' ? BFLOAT16_BYTES : Math.max(...op.inputs.map((t) => bytes[t]!));
  }
  return bytes;
}

/** Under bfloat16 autocast, whether the op runs on bfloat16 casts of its float32 inputs and weights. */
function castsToBfloat16(op: Op, rules: KeepRules, precision: ComputePrecision): boolean {
  return precision === 'bf16' && rules[op.kind].autocast === 'bfloat16';
}

export function trainingMemory(description: ModelDescription, options: MemoryOptions): TrainingMemory {
  return simulate(lowerToOps(description), options);
}

export function simulate(graph: OpGraph, options: MemoryOptions): TrainingMemory {
  const batch = options.batchSize;
  if (!Number.isInteger(batch) || batch < 1)
    throw new RangeError(`batch size must be a whole number >= 1; got ${batch}`);
  const precision = options.precision ?? 'fp32';
  const rules = resolveRules(options.rules, precision, options.memoryFormat ?? 'nchw');
  const presetName = options.preset ?? DEFAULT_MEMORY_PRESET;
  const preset: MemoryPreset = MEMORY_PRESETS[presetName];
  if (!preset)
    throw new RangeError(
      `unknown memory model '${presetName}'; models: ${Object.keys(MEMORY_PRESETS).join(', ')}`,
    );
  const keepAll = options.keepAllForwardOutputs ?? preset.keepAllForwardOutputs;
  const custom =
    options.rules !== undefined ||
    keepAll !== preset.keepAllForwardOutputs ||
    (options.gradientsPersist ?? preset.gradientsPersist) !== preset.gradientsPersist;
  const optimizer = options.optimizer ?? ADAM;
  const { tensors, ops } = graph;
  const dtypeBytes = elementBytes(graph, precision);
  const bytesOf = (t: number): number => tensors[t]!.elements * batch * dtypeBytes[t]!;
  const casts = (op: Op): boolean => castsToBfloat16(op, rules, precision);
  /** A float32 input of a casting op: the op keeps (and works on) a bfloat16 copy of it. */
  const castInput = (op: Op, t: number): boolean => casts(op) && dtypeBytes[t] === BYTES;

  // Reshape outputs are views: they share their input's storage.
  const storage = tensors.map((t) => t.id);
  for (const op of ops) if (op.kind === 'reshape') storage[op.output] = storage[op.inputs[0]!]!;

  const trainable = ops.reduce((sum, op) => sum + op.trainableParams, 0);
  const totalParams = graph.layers.reduce((sum, l) => sum + l.params.total, 0);
  const largestLayerParams = Math.max(0, ...graph.layers.map((l) => l.params.trainable));
  const weightsBytes = totalParams * BYTES;
  const gradientBytes = trainable * BYTES;
  const optimizerStateBytes = trainable * optimizer.stateTensorsPerParam * optimizer.stateBytesPerValue;
  const gradientsPersist = options.gradientsPersist ?? preset.gradientsPersist;
  const persistent = weightsBytes + optimizerStateBytes + (gradientsPersist ? gradientBytes : 0);
  const inputBytes = bytesOf(graph.input);

  // Who keeps what: an op that needs no gradient (it only sees the image) records nothing.
  const records = (op: Op): boolean => tensors[op.output]!.requiresGrad;
  const keptBy = new Map<number, number[]>(); // storage -> op indices keeping it
  const keep = (s: number, i: number): void => void keptBy.set(s, [...(keptBy.get(s) ?? []), i]);
  ops.forEach((op, i) => {
    if (!records(op)) return;
    const rule = rules[op.kind];
    if (rule.input) for (const t of op.inputs) if (!castInput(op, t)) keep(storage[t]!, i);
    if (rule.output) keep(storage[op.output]!, i);
  });
  /** What an op keeps besides its inputs and output: masks, indices, statistics, bfloat16 casts. */
  const extraBytes = (op: Op): number => {
    if (!records(op)) return 0;
    const rule = rules[op.kind];
    const outputElements = tensors[op.output]!.elements * batch;
    const perElement = op.perSample ? 0 : rule.bytesPerOutputElement * outputElements;
    const castCopies = casts(op)
      ? op.trainableParams * BFLOAT16_BYTES +
        (rule.input
          ? op.inputs
              .filter((t) => castInput(op, t))
              .reduce((sum, t) => sum + tensors[t]!.elements * batch * BFLOAT16_BYTES, 0)
          : 0)
      : 0;
    return perElement + rule.bytesPerChannel * op.channels + castCopies;
  };
  const workspace = (op: Op, phase: 'forward' | 'backward'): number => {
    const rule = rules[op.kind];
    const factor = phase === 'forward' ? rule.forwardWorkspace : rule.backwardWorkspace;
    const weightFactor = phase === 'forward' ? rule.forwardWeightWorkspace : rule.backwardWeightWorkspace;
    const activations = op.inputs.reduce((s, t) => s + bytesOf(t), 0) + bytesOf(op.output);
    const perChannel = phase === 'backward' ? rule.backwardBytesPerChannel * op.channels : 0;
    const outputCopy = phase === 'forward' ? rule.forwardOutputWorkspace * bytesOf(op.output) : 0;
    // Forward reorders the weights whether they train or not; backward runs only where they train.
    const weights = phase === 'forward' ? op.params : op.trainableParams;
    return factor * activations + outputCopy + weightFactor * weights * BYTES + perChannel;
  };

  // ---- forward ----
  const consumers = new Map<number, number>();
  for (const op of ops)
    for (const t of op.inputs) consumers.set(storage[t]!, (consumers.get(storage[t]!) ?? 0) + 1);
  const live = new Map<number, number>([[storage[graph.input]!, inputBytes]]);
  let current = persistent + inputBytes;
  let peak = current;
  let peakPhase: TrainingMemory['peakPhase'] = 'forward';
  let peakAt = '';
  const observe = (
    value: number,
    phase: TrainingMemory['peakPhase'],
    at: string,
    op: OpKind | 'step' = 'step',
  ): void => {
    options.trace?.({ phase, layer: at, op, bytes: value });
    if (value > peak) [peak, peakPhase, peakAt] = [value, phase, at];
  };
  const finalOutput = storage[graph.output]!;
  let extrasLive = 0;
  ops.forEach((op) => {
    const s = storage[op.output]!;
    if (!live.has(s)) {
      live.set(s, bytesOf(s));
      current += bytesOf(s);
    }
    const extra = extraBytes(op);
    extrasLive += extra;
    current += extra;
    observe(current + workspace(op, 'forward'), 'forward', op.layer, op.kind);
    if (keepAll) return;
    for (const t of op.inputs) {
      const st = storage[t]!;
      consumers.set(st, consumers.get(st)! - 1);
      if (consumers.get(st) === 0 && !keptBy.has(st) && st !== storage[graph.input] && live.has(st)) {
        current -= live.get(st)!;
        live.delete(st);
      }
    }
  });
  const savedForBackwardBytes =
    [...keptBy.keys()].reduce((sum, st) => sum + (live.has(st) ? live.get(st)! : 0), 0) + extrasLive;

  // ---- backward ----
  const grads = new Map<number, number>(); // storage -> bytes of its gradient (0 when aliased)
  const gradOwners = new Map<number, Set<number>>(); // gradient buffer -> storages using it
  const gradBuffer = new Map<number, number>(); // storage -> buffer id
  let nextBuffer = 0;
  const newGrad = (st: number, bytes: number): void => {
    const id = nextBuffer++;
    gradBuffer.set(st, id);
    gradOwners.set(id, new Set([st]));
    grads.set(id, bytes);
    current += bytes;
  };
  const releaseGrad = (st: number): void => {
    const id = gradBuffer.get(st);
    if (id === undefined) return;
    gradBuffer.delete(st);
    const owners = gradOwners.get(id)!;
    owners.delete(st);
    if (owners.size === 0) {
      current -= grads.get(id)!;
      grads.delete(id);
      gradOwners.delete(id);
    }
  };
  newGrad(finalOutput, bytesOf(graph.output));
  let paramGradsSoFar = 0;
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    if (!records(op)) continue;
    const rule = rules[op.kind];
    const outGrad = gradBuffer.get(storage[op.output]!);
    for (const t of op.inputs) {
      if (!tensors[t]!.requiresGrad) continue;
      const st = storage[t]!;
      if (rule.gradientPassThrough && outGrad !== undefined && !gradBuffer.has(st)) {
        gradBuffer.set(st, outGrad);
        gradOwners.get(outGrad)!.add(st);
      } else if (gradBuffer.has(st)) {
        // Accumulating into an existing gradient: the new one exists until it is added in.
        observe(current + bytesOf(t), 'backward', op.layer, op.kind);
      } else {
        newGrad(st, bytesOf(t));
      }
    }
    if (!gradientsPersist) {
      paramGradsSoFar += op.trainableParams * BYTES;
      current += op.trainableParams * BYTES;
    }
    observe(current + workspace(op, 'backward'), 'backward', op.layer, op.kind);
    if (!gradientsPersist && options.applyInBackwardAt?.has(i)) {
      observe(current + stepTemporaryBytes(optimizer, largestLayerParams), 'optimizer', op.layer);
      current -= paramGradsSoFar;
      paramGradsSoFar = 0;
    }
    releaseGrad(storage[op.output]!);
    current -= extraBytes(op);
    for (const [st, keepers] of keptBy) {
      if (Math.min(...keepers) !== i) continue;
      if (live.has(st) && !keepAll && st !== finalOutput && st !== storage[graph.input]) {
        current -= live.get(st)!;
        live.delete(st);
      }
    }
  }

  // ---- optimizer step ----
  const afterBackward = persistent + inputBytes + (gradientsPersist ? 0 : paramGradsSoFar);
  observe(afterBackward + stepTemporaryBytes(optimizer, largestLayerParams), 'optimizer', optimizer.name);

  return {
    model: custom ? 'custom' : presetName,
    batchSize: batch,
    bytesPerElement: precision === 'bf16' ? BFLOAT16_BYTES : BYTES,
    weightsBytes,
    gradientBytes,
    optimizerStateBytes,
    inputBytes,
    savedForBackwardBytes,
    peakActivationBytes: peak - persistent - inputBytes,
    trainingPeakBytes: peak,
    peakPhase,
    peakAt,
    inferenceActivationPeakBytes: inferencePeak(graph, batch, precision, options.memoryFormat),
  };
}

/**
 * Live activation bytes during a no-grad forward pass: outputs freed after their last consumer, and
 * each op's forward temporaries (a second output buffer, its weights' reorder) while it runs. Under
 * bfloat16 autocast the bfloat16 copies of trainable weights are cached until the pass ends.
 */
export function inferencePeak(
  graph: OpGraph,
  batchSize: number,
  precision: ComputePrecision = 'fp32',
  memoryFormat: ActivationFormat = 'nchw',
): number {
  const dtypeBytes = elementBytes(graph, precision);
  const bytesOf = (t: number): number => graph.tensors[t]!.elements * batchSize * dtypeBytes[t]!;
  const rules = resolveRules(undefined, precision, memoryFormat);
  const storage = graph.tensors.map((t) => t.id);
  for (const op of graph.ops) if (op.kind === 'reshape') storage[op.output] = storage[op.inputs[0]!]!;
  const remaining = new Map<number, number>();
  for (const op of graph.ops)
    for (const t of op.inputs) remaining.set(storage[t]!, (remaining.get(storage[t]!) ?? 0) + 1);
  let current = bytesOf(graph.input);
  let peak = current;
  const live = new Set<number>([storage[graph.input]!]);
  for (const op of graph.ops) {
    const s = storage[op.output]!;
    if (!live.has(s)) {
      live.add(s);
      current += bytesOf(op.output);
    }
    if (castsToBfloat16(op, rules, precision)) current += op.trainableParams * BFLOAT16_BYTES;
    const rule = rules[op.kind]!;
    const temporaries =
      rule.forwardOutputWorkspace * bytesOf(op.output) + rule.forwardWeightWorkspace * op.params * BYTES;
    peak = Math.max(peak, current + temporaries);
    for (const t of op.inputs) {
      const st = storage[t]!;
      remaining.set(st, remaining.get(st)! - 1);
      if (remaining.get(st) === 0 && live.has(st) && st !== s) {
        live.delete(st);
        current -= bytesOf(t);
      }
    }
  }
  return peak;
}
