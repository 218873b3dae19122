// Which memory plan a run uses: the one asked for (--memory-plan), or the fastest whose predicted peak
// fits --memory-budget (exact plans first: analysis/plan-memory.ts predictPlans); refused before
// anything is written when none fits. What was chosen and predicted goes into run.json beside the
// measured peak.
import {
  ADAM,
  PREDICTION_MARGIN,
  budgetFor,
  formatMemoryPlan,
  predictPlan,
  predictPlans,
  sgd,
  type ActivationFormat,
  type ComputePrecision,
  type MemoryPlan,
  type OptimizerModel,
  type PlanOptions,
  type PlanPrediction,
} from '../analysis/index.js';
import type { MomentDtype } from '../engine/index.js';
import { segmentsOf, type ModelDescription } from '../models/index.js';
import type { Freeze, TrainConfig } from './config.js';
import { TrainInputError } from './errors.js';
import { blockNodes, checkLastBlocks } from './transfer.js';

/** What run.json records about memory (measuredPeakBytes once an epoch has run). */
export interface RunMemory {
  /** The plan, as --memory-plan writes it. */
  plan: string;
  /** --memory-budget, or null when the plan was asked for. */
  budgetBytes: number | null;
  predictedPeakBytes: number;
  /** Predicted step time relative to the default plan's. */
  predictedRelativeStepTime: number;
  measuredPeakBytes?: number;
}

export interface MemoryChoice {
  plan: MemoryPlan;
  prediction: PlanPrediction;
  record: RunMemory;
}

/** The optimizer as the memory model sees it. */
export function optimizerModel(config: Pick<TrainConfig, 'optimizer' | 'momentum'>): OptimizerModel {
  return config.optimizer === 'sgd' ? sgd({ momentum: config.momentum }) : ADAM;
}

/** A precision and memory format the memory model predicts a step in. */
export interface MemoryLayout {
  precision: ComputePrecision;
  memoryFormat: ActivationFormat;
}

/**
 * The layouts the memory model predicts a run in, the larger prediction kept. `auto` is settled after
 * the plan (it times the plan's step: ./step-settings-choice.ts), so a format auto is predicted as
 * channels-last, always the larger of the two formats (its convolutions' weight gradients take a third
 * weight-sized buffer), and a precision auto in both precisions: bf16 halves the activations but keeps
 * bf16 copies of the weights, so either may be larger. A plan chosen for a budget then fits in what is
 * chosen.
 */
export function memoryLayouts(config: Pick<TrainConfig, 'precision' | 'memoryFormat'>): MemoryLayout[] {
  const memoryFormat = config.memoryFormat === 'auto' ? 'channels-last' : config.memoryFormat;
  const precisions: ComputePrecision[] = config.precision === 'auto' ? ['fp32', 'bf16'] : [config.precision];
  return precisions.map((precision) => ({ precision, memoryFormat }));
}

type LayoutFreeOptions = Omit<PlanOptions, 'precision' | 'memoryFormat'>;

const larger = (a: PlanPrediction, b: PlanPrediction): PlanPrediction => (b.peakBytes > a.peakBytes ? b : a);

/** A plan's prediction in the layout where its peak is the larger. */
export function predictPlanIn(
  description: ModelDescription,
  plan: MemoryPlan,
  options: LayoutFreeOptions,
  layouts: MemoryLayout[],
): PlanPrediction {
  return layouts.map((layout) => predictPlan(description, plan, { ...options, ...layout })).reduce(larger);
}

/** choosePlan with each plan predicted in the layout where its peak is the larger. */
function choosePlanIn(
  description: ModelDescription,
  budgetBytes: number,
  options: LayoutFreeOptions,
  layouts: MemoryLayout[],
): { chosen: PlanPrediction | null; smallest: PlanPrediction } {
  const [first, ...others] = layouts.map((layout) => predictPlans(description, { ...options, ...layout }));
  const all = first!.map((p) =>
    others
      .map((predictions) => predictions.find((q) => formatMemoryPlan(q.plan) === formatMemoryPlan(p.plan))!)
      .reduce(larger, p),
  );
  const smallest = all.reduce((a, b) => (b.peakBytes < a.peakBytes ? b : a));
  return { chosen: all.find((p) => budgetFor(p.peakBytes) <= budgetBytes) ?? null, smallest };
}

/** Adam's moment dtype under a plan. */
export function momentDtypeOf(plan: MemoryPlan): MomentDtype {
  return plan.moments === 'bf16' ? 'bfloat16' : 'float32';
}

/** Leading segments that --freeze leaves without trainable parameters (as applyFreeze freezes them). */
export function frozenSegments(description: ModelDescription, freeze: Freeze): number {
  const segments = segmentsOf(description.layers);
  const head = segments.length - 1;
  if (freeze === 'none') return 0;
  if (freeze === 'backbone' || freeze.lastBlocks === 0) return head;
  checkLastBlocks(description, freeze.lastBlocks);
  const blocks = blockNodes(description);
  const start = blocks[blocks.length - freeze.lastBlocks]!;
  const index = segments.findIndex((s) => s.layerNames.includes(start.node.name));
  return Math.max(0, index);
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** What a predicted peak consists of, for messages. */
export function describePeak(p: PlanPrediction): string {
  const { weightsBytes, optimizerStateBytes, inputBytes, otherBytes } = p.parts;
  return (
    `${mb(p.peakBytes)} = weights ${mb(weightsBytes)} + optimizer state ${mb(optimizerStateBytes)} + ` +
    `input batch ${mb(inputBytes)} + activations and gradients ${mb(otherBytes)} (peak ${p.peakAt})`
  );
}

export function chooseMemoryPlan(
  config: Pick<
    TrainConfig,
    | 'memoryPlan'
    | 'memoryBudgetBytes'
    | 'allowBf16Moments'
    | 'batchSize'
    | 'freeze'
    | 'optimizer'
    | 'momentum'
    | 'precision'
    | 'memoryFormat'
  >,
  description: ModelDescription,
): MemoryChoice {
  const layouts = memoryLayouts(config);
  const options = {
    batchSize: config.batchSize,
    optimizer: optimizerModel(config),
    frozenSegments: frozenSegments(description, config.freeze),
    allowBf16Moments: config.allowBf16Moments,
  };
  if (config.memoryPlan.moments === 'bf16' && config.optimizer === 'sgd')
    throw new TrainInputError(
      "--memory-plan moments=bf16 keeps Adam's two moments in bfloat16, but --optimizer sgd has none: use --optimizer adam or adamw, or leave moments out",
    );
  if (config.memoryPlan.microbatch > config.batchSize)
    throw new TrainInputError(
      `--memory-plan microbatch=${config.memoryPlan.microbatch} asks for more micro-batches than the batch of ${config.batchSize} images; lower it or raise --batch`,
    );
  let prediction: PlanPrediction;
  if (config.memoryBudgetBytes === null)
    prediction = predictPlanIn(description, config.memoryPlan, options, layouts);
  else {
    const choice = choosePlanIn(description, config.memoryBudgetBytes, options, layouts);
    if (!choice.chosen)
      throw new TrainInputError(
        `no memory plan trains ${description.name} at batch ${config.batchSize} within --memory-budget ${mb(config.memoryBudgetBytes)}: ` +
          `the smallest predicted peak is ${describePeak(choice.smallest)} with ${formatMemoryPlan(choice.smallest.plan)}, ` +
          `which needs a budget of at least ${mb(budgetFor(choice.smallest.peakBytes))} (the prediction + ${100 * PREDICTION_MARGIN}%); ` +
          'raise the budget, or lower --batch or --input',
      );
    prediction = choice.chosen;
  }
  return {
    plan: prediction.plan,
    prediction,
    record: {
      plan: formatMemoryPlan(prediction.plan),
      budgetBytes: config.memoryBudgetBytes,
      predictedPeakBytes: prediction.peakBytes,
      predictedRelativeStepTime: prediction.relativeStepTime,
    },
  };
}
