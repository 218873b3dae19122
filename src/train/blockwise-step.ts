// A training step under a memory plan (src/analysis/memory-plan.ts), with no native support needed:
// the model runs segment by segment (its blocks: src/models/segments.ts), each on a detached input, so
// that backward can be driven one segment at a time from the loss down:
//   out_i = segment_i(input_i);  out_i.backward(grad of out_i);  grad of out_{i-1} = input_i.grad
// - checkpoint=blocks: the forward pass runs under noGrad and keeps only each segment's input; backward
//   re-runs the segment with gradients recorded first. The re-run must not fold the batch into the
//   BatchNorm running statistics a second time (pytorch/pytorch#96136): they are put back as they were
//   after the first run. Random draws (dropout) are replayed from the generator state of the first run.
// - optimizer=in-backward: when a segment's backward returns, its parameters' gradients are complete:
//   they are applied and freed at once, so only one segment's gradients are ever alive.
// - microbatch=K: K slices of the batch, each loss scaled by its share of the batch, so the gradients
//   add up to the whole batch's mean-loss gradient; one update at the end (in-backward: during the
//   last slice's backward). BatchNorm normalises each slice with that slice's statistics, and folds
//   each slice into its running statistics (K momentum updates per step instead of one).
// A frozen prefix (--freeze) runs under noGrad: it keeps nothing for backward and has no optimizer state.
// precision=bf16: every segment's forward (and its re-run) and the loss run in bf16 autocast, each in
// its own region; backward and the updates outside, as in the ordinary step (./precision.ts).
import { F, getRngState, noGrad, setRngState, tidy, type Optimizer, type Tensor } from '../engine/index.js';
import { Dropout, releaseIntermediate, type Module } from '../nn/index.js';
import { segmentsOf, type DescribedModel } from '../models/index.js';
import { isOrdinaryStep, type MemoryPlan } from '../analysis/memory-plan.js';
import { TrainInputError } from './errors.js';
import { trainStep, type StepResult } from './step.js';
import { inPrecision, type Precision } from './precision.js';

interface TrainingSegment {
  name: string;
  module: Module;
  trainable: Tensor[];
  buffers: Tensor[];
  /** Draws random numbers in training mode (dropout), so a re-run must replay the generator. */
  random: boolean;
}

const segmentCache = new WeakMap<DescribedModel, TrainingSegment[]>();

/** The model's segments as modules, in execution order. */
export function trainingSegments(model: DescribedModel): TrainingSegment[] {
  let segments = segmentCache.get(model);
  if (!segments) {
    segments = segmentsOf(model.description.layers).map((segment) => {
      let module: Module = model.body;
      for (const name of [...segment.path, segment.name]) {
        const child = module.children().find(([n]) => n === name)?.[1];
        if (!child)
          throw new Error(`no module '${name}' in ${model.description.name} for segment ${segment.name}`);
        module = child;
      }
      return {
        name: segment.name,
        module,
        trainable: [] as Tensor[],
        buffers: module.namedBuffers().map(([, b]) => b),
        random: module.namedModules().some(([, m]) => m instanceof Dropout),
      };
    });
    segmentCache.set(model, segments);
  }
  // Which parameters train can change between steps (--freeze): read it now.
  for (const segment of segments) segment.trainable = segment.module.trainableParameters().map(([, p]) => p);
  return segments;
}

/** One training step under the plan; a plan that only changes the moments is the trainer's ordinary step. */
export function planStep(
  model: DescribedModel,
  optimizer: Optimizer,
  x: Tensor,
  y: Tensor,
  plan: MemoryPlan,
  precision: Precision = 'fp32',
): StepResult {
  if (isOrdinaryStep(plan)) return trainStep(model, optimizer, x, y, precision);
  const batch = x.shape[0]!;
  // An epoch's short last batch may hold fewer images than micro-batches: one image per slice then.
  const slices = Math.min(plan.microbatch, batch);
  const segments = trainingSegments(model);
  const inBackward = plan.optimizer === 'in-backward';
  optimizer.zeroGrad();
  if (inBackward) optimizer.beginStep();
  let lossSum = 0;
  let correct = 0;
  let start = 0;
  for (let k = 0; k < slices; k++) {
    const size = Math.floor(batch / slices) + (k < batch % slices ? 1 : 0);
    const last = k === slices - 1;
    const slice = tidy(() =>
      segmentStep(segments, x.narrow(0, start, size), y.narrow(0, start, size), {
        lossScale: size / batch,
        checkpoint: plan.checkpoint === 'blocks',
        optimizer: inBackward && last ? optimizer : null,
        precision,
      }),
    );
    lossSum += slice.loss * size;
    correct += slice.correct;
    start += size;
  }
  if (!inBackward) optimizer.update();
  return { loss: lossSum / batch, correct };
}

interface SegmentStepOptions {
  /** The slice's share of the batch: its mean loss is scaled by it so the gradients add up. */
  lossScale: number;
  checkpoint: boolean;
  /** Update each segment's parameters as soon as its backward is done (null: leave the gradients). */
  optimizer: Optimizer | null;
  precision: Precision;
}

interface Saved {
  input: Tensor;
  /** The output with its autograd graph (null when checkpointed: backward re-runs the segment). */
  output: Tensor | null;
  rng: Tensor | null;
}

function segmentStep(
  segments: TrainingSegment[],
  x: Tensor,
  y: Tensor,
  { lossScale, checkpoint, optimizer, precision }: SegmentStepOptions,
): StepResult {
  const first = segments.findIndex((s) => s.trainable.length > 0);
  if (first < 0) throw new TrainInputError('nothing to train: every parameter is frozen');
  const lastIndex = segments.length - 1;
  // ---- forward: the frozen prefix without autograd, then each segment on a detached input ----
  let h = x;
  const saved: Saved[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (i < first) {
      const next = noGrad(() => run(segment, h, precision));
      releaseIntermediate(h, x);
      h = next;
      continue;
    }
    // The first trained segment needs no gradient for its input (the image, or frozen features).
    const input = i === first ? h : h.detach().requiresGrad_();
    // A checkpointed segment's output lives on only as the next input (same storage).
    if (input !== h && saved[i - 1]!.output === null) h.dispose();
    const recompute = checkpoint && i < lastIndex;
    const rng = recompute && segment.random ? getRngState() : null;
    const output = recompute ? noGrad(() => run(segment, input, precision)) : run(segment, input, precision);
    saved[i] = { input, output: recompute ? null : output, rng };
    h = output;
  }
  const afterForward = saved.some((s) => s.rng !== null) ? getRngState() : null;

  // ---- backward, from the loss down, one segment at a time ----
  const logits = h;
  const loss = inPrecision(precision, () => F.crossEntropy(logits, y));
  const correct = noGrad(() => logits.argmax(1).eq(y).sum().item());
  const lossValue = loss.item();
  let gradient: Tensor | null = null;
  for (let i = lastIndex; i >= first; i--) {
    const segment = segments[i]!;
    const { input, output, rng } = saved[i]!;
    if (output === null) {
      const statistics = noGrad(() => segment.buffers.map((b) => b.clone()));
      const out = rerun(segment, input, rng, precision);
      out.backward(gradient!);
      out.dispose();
      // Only now: BatchNorm's backward reads the running statistics it was given.
      noGrad(() => segment.buffers.forEach((b, j) => b.copy_(statistics[j]!)));
      for (const s of statistics) s.dispose();
    } else if (i === lastIndex) {
      loss.mul(lossScale).backward();
    } else {
      output.backward(gradient!);
      output.dispose();
    }
    gradient?.dispose();
    gradient = i > first ? input.grad : null;
    if (input !== x) input.dispose();
    if (optimizer) {
      optimizer.applyUpdates(segment.trainable);
      for (const p of segment.trainable) p.grad = null;
    }
  }
  if (afterForward) setRngState(afterForward);
  return { loss: lossValue, correct };
}

/** The segment's forward again, recording gradients, with the random draws of its first run. */
function rerun(segment: TrainingSegment, input: Tensor, rng: Tensor | null, precision: Precision): Tensor {
  if (rng) setRngState(rng);
  return run(segment, input, precision);
}

/**
 * The segment's forward in a scope of its own: handles on its intermediates (a separable conv's
 * depthwise output, say) are dropped when it returns. Autograd keeps what backward needs; the rest is
 * freed now, not when the whole step ends.
 */
function run(segment: TrainingSegment, input: Tensor, precision: Precision): Tensor {
  return inPrecision(precision, () => tidy(() => segment.module.forward(input)));
}
