// Predicted peak memory and relative step time of a training step under a memory plan
// (memory-plan.ts), as the block-wise step (src/train/blockwise-step.ts) runs it, from the same event
// simulation as the ordinary step (memory.ts):
// - no checkpointing: the whole graph simulated at the micro-batch size; parameter gradients stay
//   allocated across micro-batches (they accumulate), or, in-backward, are freed block by block;
// - checkpoint=blocks: the forward pass is inference, keeping each block's input; backward re-runs one
//   block at a time, so the peak is the largest of (persistent state + the inputs kept below block i +
//   block i's own training step + the gradients made above it, unless they were applied in backward);
// - a frozen prefix (--freeze) records nothing for backward and has no gradients or optimizer state.
// Step time is counted in MACs: forward 1×, backward 2× of a trained block's forward, a re-run 1×.
import type { ModelDescription } from '../models/description.js';
import { segmentsOf } from '../models/segments.js';
import {
  ADAM,
  ADAM_BF16_MOMENTS,
  elementBytes,
  inferencePeak,
  simulate,
  stepTemporaryBytes,
  type ActivationFormat,
  type ComputePrecision,
  type OptimizerModel,
  type TrainingMemory,
} from './memory.js';
import { candidatePlans, changesLearning, type MemoryPlan } from './memory-plan.js';
import { usesBatchStatistics } from '../layers/index.js';
import { lowerToOps, type OpGraph } from './ops.js';

const BYTES = 4;
/** A backward pass costs about twice its forward pass (input and weight gradients). */
const BACKWARD_PER_FORWARD = 2;

export interface PlanOptions {
  batchSize: number;
  /** What the step computes in (default fp32): bfloat16 autocast halves most activations. */
  precision?: ComputePrecision;
  /** The activations' memory format (default nchw). */
  memoryFormat?: ActivationFormat;
  /** The optimizer with float32 state (Adam unless given); a plan's moments=bf16 makes Adam's bfloat16. */
  optimizer?: OptimizerModel;
  /** Leading segments (src/models/segments.ts) whose parameters are all frozen. */
  frozenSegments?: number;
  /** Plans with bfloat16 moments are candidates too (they change results: the user must allow them). */
  allowBf16Moments?: boolean;
}

export interface PlanPrediction {
  plan: MemoryPlan;
  /** Predicted allocator peak of a steady-state step. */
  peakBytes: number;
  /** Step time relative to the default plan's, from MACs (micro-batching: see microbatchOverhead). */
  relativeStepTime: number;
  /** What the peak consists of. */
  parts: {
    weightsBytes: number;
    optimizerStateBytes: number;
    /** The input batch. */
    inputBytes: number;
    /** Everything else: activations, saved inputs, parameter and activation gradients, workspaces. */
    otherBytes: number;
  };
  /** Where the peak is: 'forward', 'backward' or 'optimizer', and the block. */
  peakAt: string;
  /** Whether the plan changes what this run learns (memory-plan.ts changesLearning). */
  changesLearning: boolean;
}

/**
 * Micro-batching runs the same MACs in smaller pieces and repeats every per-op cost once per slice;
 * each extra micro-batch is charged this fraction of a step. Interleaved measurements with the short
 * spin wait policy, machine alone (docs/memory.md, bench/memory-plans): 0.07 (xception-lite, 96 px,
 * batch 16), 0.11–0.13 (mobilenet-v2, 96 px, batch 16), 0.29 (xception-mini, 64 px, batch 8).
 */
export const MICROBATCH_OVERHEAD = 0.1;

interface Segmented {
  graph: OpGraph;
  /** First op index of each segment, and one past the last op. */
  bounds: number[];
  first: number;
}

/** The op graph with the frozen prefix made frozen, and where each segment's ops start. */
function segmented(description: ModelDescription, frozenSegments: number): Segmented {
  const graph = lowerToOps(description);
  const segmentOf = new Map<string, number>();
  const segments = segmentsOf(description.layers);
  segments.forEach((s, i) => s.layerNames.forEach((name) => segmentOf.set(name, i)));
  const bounds: number[] = [];
  graph.ops.forEach((op, i) => {
    const s = segmentOf.get(op.layer)!;
    while (bounds.length <= s) bounds.push(i);
  });
  while (bounds.length <= segments.length) bounds.push(graph.ops.length);
  if (!(frozenSegments >= 0 && frozenSegments < segments.length))
    throw new RangeError(
      `frozenSegments must be from 0 to ${segments.length - 1} (the head trains); got ${frozenSegments}`,
    );
  return { graph: freezeBefore(graph, bounds[frozenSegments]!), bounds, first: frozenSegments };
}

/**
 * Ops before `firstTrained`, and their layers, own no trainable parameters (a frozen prefix): the
 * optimizer's temporaries are sized by the largest trained layer, not the largest frozen one.
 */
function freezeBefore(graph: OpGraph, firstTrained: number): OpGraph {
  const ops = graph.ops.map((op, i) => (i < firstTrained ? { ...op, trainableParams: 0 } : op));
  const frozen = new Set(graph.ops.slice(0, firstTrained).map((op) => op.layer));
  const layers = graph.layers.map((l) =>
    frozen.has(l.name) ? { ...l, params: { ...l.params, trainable: 0 } } : l,
  );
  return withGradientFlags({ ...graph, ops, layers }, graph.input, false);
}

/** Which tensors gradients flow into, recomputed from the graph's input (which gets inputRequiresGrad). */
function withGradientFlags(graph: OpGraph, input: number, inputRequiresGrad: boolean): OpGraph {
  const tensors = graph.tensors.map((t) => ({ ...t, requiresGrad: t.id === input && inputRequiresGrad }));
  for (const op of graph.ops)
    tensors[op.output]!.requiresGrad =
      op.trainableParams > 0 || op.inputs.some((t) => tensors[t]!.requiresGrad);
  return { ...graph, tensors, input };
}

/** The ops of segment s as a graph of their own, from the segment's input (which needs a gradient above the first trained). */
function segmentGraph({ graph, bounds, first }: Segmented, s: number): OpGraph {
  const [from, to] = [bounds[s]!, bounds[s + 1]!];
  const ops = graph.ops.slice(from, to);
  const input = from === 0 ? graph.input : graph.ops[from - 1]!.output;
  const names = new Set(ops.map((op) => op.layer));
  const sub = withGradientFlags({ ...graph, ops }, input, s > first);
  return {
    ...sub,
    output: ops.at(-1)!.output,
    layers: graph.layers.filter((l) => names.has(l.name)),
    inputBytesUnderAutocast: elementBytes(graph, 'bf16')[input],
  };
}

export function predictPlan(
  description: ModelDescription,
  plan: MemoryPlan,
  options: PlanOptions,
): PlanPrediction {
  const { batchSize } = options;
  if (plan.microbatch > batchSize)
    throw new RangeError(
      `microbatch=${plan.microbatch} is more micro-batches than the batch of ${batchSize}`,
    );
  const optimizer = optimizerUnder(plan, options.optimizer ?? ADAM);
  const seg = segmented(description, options.frozenSegments ?? 0);
  const batchStatistics = seg.graph.layers.some((l) => l.params.trainable > 0 && usesBatchStatistics(l.kind));
  const learning = changesLearning(plan, { batchStatistics });
  const micro = Math.ceil(batchSize / plan.microbatch);
  const accumulate = plan.microbatch > 1;
  const inputElements = seg.graph.tensors[seg.graph.input]!.elements;
  // The caller holds the whole batch (float32); the micro-batch is a view of it.
  const restOfBatch = (batchSize - micro) * inputElements * BYTES;
  const layout = { precision: options.precision ?? 'fp32', memoryFormat: options.memoryFormat ?? 'nchw' };
  const full = simulate(seg.graph, {
    batchSize: micro,
    optimizer,
    gradientsPersist: accumulate,
    ...layout,
  });
  const persistent = full.weightsBytes + full.optimizerStateBytes + (accumulate ? full.gradientBytes : 0);
  const time = relativeTime(seg, plan);
  if (plan.checkpoint === 'none') {
    const inBackward = plan.optimizer === 'in-backward' && !accumulate;
    const memory = inBackward
      ? simulate(seg.graph, {
          batchSize: micro,
          optimizer,
          ...layout,
          applyInBackwardAt: new Set(seg.bounds.slice(seg.first, -1)),
        })
      : full;
    return prediction(
      plan,
      learning,
      memory.trainingPeakBytes + restOfBatch,
      time,
      memory,
      memory.inputBytes + restOfBatch,
      `${memory.peakPhase} at ${memory.peakAt}`,
    );
  }
  return checkpointed(seg, plan, learning, {
    micro,
    optimizer,
    accumulate,
    restOfBatch,
    full,
    persistent,
    time,
    layout,
  });
}

/** The optimizer as the plan runs it. */
function optimizerUnder(plan: MemoryPlan, optimizer: OptimizerModel): OptimizerModel {
  if (plan.moments === 'fp32') return optimizer;
  if (optimizer.name !== ADAM.name)
    throw new RangeError(`moments=bf16 is for Adam's moments; the ${optimizer.name} optimizer has none`);
  return ADAM_BF16_MOMENTS;
}

function checkpointed(
  seg: Segmented,
  plan: MemoryPlan,
  learning: boolean,
  c: {
    micro: number;
    optimizer: OptimizerModel;
    accumulate: boolean;
    restOfBatch: number;
    full: TrainingMemory;
    persistent: number;
    time: number;
    layout: { precision: ComputePrecision; memoryFormat: ActivationFormat };
  },
): PlanPrediction {
  const { graph, bounds, first } = seg;
  const segments = bounds.length - 1;
  const head = segments - 1;
  const dtypeBytes = elementBytes(graph, c.layout.precision);
  const bytesOf = (t: number): number => graph.tensors[t]!.elements * c.micro * dtypeBytes[t]!;
  const inputOf = (s: number): number => (bounds[s] === 0 ? graph.input : graph.ops[bounds[s]! - 1]!.output);
  const image = bytesOf(graph.input);
  /** Bytes of a segment's input unless it is the image (counted once, held all step). */
  const ownInput = (s: number): number => (inputOf(s) === graph.input ? 0 : bytesOf(inputOf(s)));
  const held = c.persistent + c.restOfBatch + image;
  const inBackward = plan.optimizer === 'in-backward';
  const trainableBytes = (s: number): number =>
    graph.ops.slice(bounds[s], bounds[s + 1]).reduce((sum, op) => sum + op.trainableParams, 0) * BYTES;
  /** The inputs kept for the re-runs of segments first..s-1. */
  const savedBelow = (s: number): number => {
    let sum = 0;
    for (let j = first; j < s; j++) sum += ownInput(j);
    return sum;
  };
  let peak = 0;
  let peakAt = '';
  const observe = (bytes: number, at: string): void => {
    if (bytes > peak) [peak, peakAt] = [bytes, at];
  };
  // Forward without autograd up to the head, keeping each trained segment's input.
  for (let s = 0; s < head; s++) {
    const sub = segmentGraph(seg, s);
    observe(
      held +
        savedBelow(s) +
        inferencePeak(sub, c.micro, c.layout.precision, c.layout.memoryFormat) -
        (ownInput(s) === 0 ? image : 0),
      `forward at ${segmentsName(sub)}`,
    );
  }
  // Backward from the head down: each segment's own training step on its saved input.
  let gradientsAbove = 0;
  for (let s = head; s >= first; s--) {
    const sub = segmentGraph(seg, s);
    let forwardMax = 0;
    let backwardMax = 0;
    const memory = simulate(sub, {
      batchSize: c.micro,
      ...c.layout,
      optimizer: inBackward ? c.optimizer : { ...c.optimizer, stepTemporaries: 0 },
      gradientsPersist: c.accumulate,
      trace: ({ phase, bytes }) => {
        if (phase === 'forward') forwardMax = Math.max(forwardMax, bytes);
        else backwardMax = Math.max(backwardMax, bytes);
      },
    });
    // What the segment's simulation counts itself: its weights and state, its input.
    const counted = memory.weightsBytes + memory.optimizerStateBytes + (c.accumulate ? trainableBytes(s) : 0);
    const around =
      held -
      (ownInput(s) === 0 ? image : 0) +
      savedBelow(s) +
      (inBackward || c.accumulate ? 0 : gradientsAbove);
    // The gradient of a re-run segment's output exists before the re-run starts.
    const outputGradient = s === head ? 0 : bytesOf(sub.output);
    observe(around + forwardMax - counted + outputGradient, `backward (re-run) at ${segmentsName(sub)}`);
    observe(around + backwardMax - counted, `backward at ${segmentsName(sub)}`);
    gradientsAbove += trainableBytes(s);
  }
  if (!inBackward) {
    const largest = Math.max(0, ...graph.layers.map((l) => l.params.trainable));
    const gradients = c.accumulate ? 0 : c.full.gradientBytes;
    observe(held + gradients + stepTemporaryBytes(c.optimizer, largest), 'optimizer step');
  }
  return prediction(plan, learning, peak, c.time, c.full, image + c.restOfBatch, peakAt);
}

function segmentsName(sub: OpGraph): string {
  return sub.ops[0]!.layer;
}

function prediction(
  plan: MemoryPlan,
  learning: boolean,
  peakBytes: number,
  relativeStepTime: number,
  memory: TrainingMemory,
  inputBytes: number,
  peakAt: string,
): PlanPrediction {
  const { weightsBytes, optimizerStateBytes } = memory;
  return {
    plan,
    peakBytes,
    relativeStepTime,
    parts: {
      weightsBytes,
      optimizerStateBytes,
      inputBytes,
      otherBytes: peakBytes - weightsBytes - optimizerStateBytes - inputBytes,
    },
    peakAt,
    changesLearning: learning,
  };
}

function relativeTime({ graph, bounds, first }: Segmented, plan: MemoryPlan): number {
  const macs = (s: number): number =>
    graph.ops.slice(bounds[s], bounds[s + 1]).reduce((sum, op) => sum + op.macs, 0);
  const segments = bounds.length - 1;
  let plain = 0;
  let rerun = 0;
  for (let s = 0; s < segments; s++) {
    plain += macs(s) * (s >= first ? 1 + BACKWARD_PER_FORWARD : 1);
    if (plan.checkpoint === 'blocks' && s >= first && s < segments - 1) rerun += macs(s);
  }
  return (plain + rerun) / plain + MICROBATCH_OVERHEAD * (plan.microbatch - 1);
}

/**
 * Every candidate plan's prediction: the plans that compute the ordinary step first, fastest first, then
 * those that change what is learned (changesLearning), fastest first; among equals float32 moments
 * first, then the smaller peak. So a budget gets micro-batches or bfloat16 moments only when no exact
 * plan fits it.
 */
export function predictPlans(description: ModelDescription, options: PlanOptions): PlanPrediction[] {
  const bf16Moments = options.allowBf16Moments === true && (options.optimizer ?? ADAM).name === ADAM.name;
  return candidatePlans(options.batchSize, { bf16Moments })
    .map((plan) => predictPlan(description, plan, options))
    .sort(
      (a, b) =>
        Number(a.changesLearning) - Number(b.changesLearning) ||
        a.relativeStepTime - b.relativeStepTime ||
        Number(a.plan.moments === 'bf16') - Number(b.plan.moments === 'bf16') ||
        a.peakBytes - b.peakBytes,
    );
}

/**
 * A plan fits a budget when its predicted peak plus this margin does: the predictions are held to
 * ±10% of the allocator's measured peak (test/analysis/plan-peak.test.ts), so a plan chosen this way
 * stays within the budget whenever its prediction is within that bound.
 */
export const PREDICTION_MARGIN = 0.1;

/** The budget a predicted peak needs. */
export function budgetFor(peakBytes: number): number {
  return Math.ceil(peakBytes * (1 + PREDICTION_MARGIN));
}

export interface PlanChoice {
  chosen: PlanPrediction | null;
  /** The plan with the smallest predicted peak (what a refusal names). */
  smallest: PlanPrediction;
  all: PlanPrediction[];
}

/** The fastest plan whose predicted peak (plus PREDICTION_MARGIN) fits the budget, or null and the smallest achievable. */
export function choosePlan(
  description: ModelDescription,
  budgetBytes: number,
  options: PlanOptions,
): PlanChoice {
  const all = predictPlans(description, options);
  const smallest = all.reduce((a, b) => (b.peakBytes < a.peakBytes ? b : a));
  return { chosen: all.find((p) => budgetFor(p.peakBytes) <= budgetBytes) ?? null, smallest, all };
}
