// `pareto-edge summary <model>`: a Keras-like layer table (output shape, params, MACs) and totals,
// with the predicted memory of a training step, computed from the description alone (no engine).
import type { Command } from 'commander';
import { MEMORY_PRESETS, type MemoryPresetName } from '../analysis/memory.js';
import { summarize, type ModelSummary } from '../analysis/summary.js';
import {
  MICROBATCH_OVERHEAD,
  formatMemoryPlan,
  predictPlans,
  type PlanPrediction,
} from '../analysis/index.js';
import { describeModel, type ModelOptions } from '../zoo/registry.js';
import { parseFreeze } from '../train/config.js';
import { frozenSegments, memoryLayouts, type MemoryLayout } from '../train/memory-choice.js';
import type { MemoryFormatSetting } from '../train/memory-format.js';
import { precisionCandidates, type PrecisionSetting } from '../train/precision.js';
import { UsageError } from './errors.js';
import { integer, memoryFormatSetting, positiveNumber, precisionSetting } from './parse.js';

interface SummaryCliOptions {
  input: number;
  classes: number;
  batch: number;
  head: boolean;
  alpha?: number;
  memoryModel: string;
  json?: boolean;
  describe?: boolean;
  memoryPlans?: boolean;
  allowBf16Moments?: boolean;
  precision: PrecisionSetting;
  memoryFormat: MemoryFormatSetting;
  freeze: string;
}

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description(
      'layer table, params, MACs and predicted training memory of a model (see `pareto-edge models`)',
    )
    .argument('<model>', 'model name from `pareto-edge models`, or a description JSON file')
    .option('--input <N>', 'input image side in pixels (>= 32)', integer(), 224)
    .option('--classes <K>', 'classes of the head', integer(), 1000)
    .option('--batch <B>', 'batch size for the memory prediction', integer(), 16)
    .option('--no-head', 'describe the backbone without the GlobalAveragePooling -> Dropout -> Dense head')
    .option(
      '--alpha <A>',
      'MobileNetV2 width multiplier (0.35, 0.5, 0.75, 1.0, 1.3, 1.4 or any > 0)',
      positiveNumber,
    )
    .option(
      '--memory-model <name>',
      `how the training step holds memory: ${Object.entries(MEMORY_PRESETS)
        .map(([name, p]) => `${name} (${p.description})`)
        .join('; ')}`,
      'pareto-edge',
    )
    .option(
      '--memory-plans',
      "each memory plan's predicted peak and step time at --batch, instead of the layer table (docs/memory.md)",
    )
    .option(
      '--allow-bf16-moments',
      "with --memory-plans, also the plans keeping Adam's moments in bfloat16 (reduced-precision state)",
    )
    .option(
      '--precision <p>',
      'predict the step in fp32 or bf16 (bfloat16 autocast), or auto: bf16 where this CPU has bfloat16 instructions (where train may choose it)',
      precisionSetting,
      'fp32',
    )
    .option(
      '--memory-format <f>',
      'predict the step in nchw or channels-last activations; auto (as train decides it later) is predicted as channels-last, the larger',
      memoryFormatSetting,
      'auto',
    )
    .option(
      '--freeze <what>',
      'with --memory-plans, predict fine-tuning as train --freeze runs it: none, backbone, or last:N (the last N blocks and the head train)',
      'none',
    )
    .option('--json', 'print the summary as JSON')
    .option('--describe', 'print the architecture description (JSON) instead of the summary')
    .action((model: string, options: SummaryCliOptions) => {
      const modelOptions: ModelOptions = {
        inputSize: options.input,
        numClasses: options.classes,
        includeHead: options.head,
        ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
      };
      if (!(options.memoryModel in MEMORY_PRESETS))
        throw new UsageError(
          `unknown --memory-model '${options.memoryModel}'; models: ${Object.keys(MEMORY_PRESETS).join(', ')}`,
        );
      const preset = options.memoryModel as MemoryPresetName;
      const description = describeModel(model, modelOptions);
      // bf16 is predicted for any CPU (the prediction may be for another device); auto means bf16 where
      // this one has bfloat16 instructions (the last candidate), as train may choose it there.
      const precision =
        options.precision === 'auto' ? precisionCandidates('auto').at(-1)! : options.precision;
      const [layout] = memoryLayouts({ precision, memoryFormat: options.memoryFormat }) as [MemoryLayout];
      if (options.describe) {
        process.stdout.write(`${JSON.stringify(description, null, 2)}\n`);
        return;
      }
      if (options.freeze !== 'none' && !options.memoryPlans)
        throw new UsageError('--freeze changes the memory plans: add --memory-plans');
      if (options.memoryPlans) {
        const plans = predictPlans(description, {
          ...layout,
          batchSize: options.batch,
          frozenSegments: frozenSegments(description, parseFreeze(options.freeze)),
          allowBf16Moments: options.allowBf16Moments ?? false,
        });
        process.stdout.write(
          options.json
            ? `${JSON.stringify(
                plans.map((p) => ({ ...p, plan: formatMemoryPlan(p.plan) })),
                null,
                2,
              )}\n`
            : formatPlans(description.name, options.batch, layoutLabel(layout), plans),
        );
        return;
      }
      const summary = summarize(description, { ...layout, batchSize: options.batch, preset });
      process.stdout.write(
        options.json
          ? `${JSON.stringify(summaryJson(summary), null, 2)}\n`
          : formatSummary(summary, layoutLabel(layout)),
      );
    });
}

/** The JSON form: totals first, then one row per layer. */
function summaryJson(s: ModelSummary): object {
  const { layers, ...totals } = s;
  return {
    ...totals,
    batchSize: s.memory.batchSize,
    layers: layers.map((l) => ({
      name: l.name,
      kind: l.kind,
      path: l.path.join('/'),
      outputShape: l.outputShape,
      params: l.params,
      macs: l.macs,
    })),
  };
}

const int = (n: number): string => n.toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

function formatSummary(s: ModelSummary, layout: string): string {
  const rows = s.layers.map((l) => [
    `${l.name} (${l.kind})`,
    `(${l.outputShape.join(', ')})`,
    int(l.params.total),
    int(l.macs),
  ]);
  const header = ['Layer (type)', 'Output shape', 'Param #', 'MACs'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ') + '\n';
  const rule = `${'─'.repeat(widths.reduce((a, b) => a + b + 2, -2))}\n`;
  const m = s.memory;
  const head = s.numClasses === null ? 'no head' : `${s.numClasses} classes`;
  const out = [
    `Model: ${s.model} (${s.family}), input ${s.input.join('x')}, ${head}\n`,
    ...(s.transforms.length ? [`Derived by: ${s.transforms.join('\n            ')}\n`] : []),
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${int(s.params.total)} (Keras convention: includes BatchNorm moving statistics)\n`,
    `Trainable params: ${int(s.params.trainable)} (PyTorch convention counts only these)\n`,
    `Non-trainable params: ${int(s.params.nonTrainable)}\n`,
    `MACs per image: ${int(s.macs)} (${(s.macs / 1e9).toFixed(2)} G)\n`,
    rule,
    `Predicted training step at batch ${m.batchSize} (${layout}, Adam, memory model ${m.model}): peak ${mb(m.trainingPeakBytes)}\n`,
    `  weights ${mb(m.weightsBytes)} + gradients ${mb(m.gradientBytes)} + Adam state ${mb(m.optimizerStateBytes)}` +
      ` + input ${mb(m.inputBytes)} + activations, gradients and workspace ${mb(m.peakActivationBytes)}\n`,
    `  kept for backward at the end of forward: ${mb(m.savedForBackwardBytes)}; peak during ${m.peakPhase} at ${m.peakAt}\n`,
    `Inference peak above the weights at batch ${m.batchSize} (activations and temporaries): ${mb(m.inferenceActivationPeakBytes)}\n`,
  ];
  return out.join('');
}

/** What the step is predicted in, for the headings. */
function layoutLabel({ precision, memoryFormat }: MemoryLayout): string {
  return `${precision === 'bf16' ? 'bfloat16 autocast' : 'float32'}, ${memoryFormat}`;
}

/** One row per plan, in the order --memory-budget tries them: predicted peak, what it holds, relative step time. */
function formatPlans(model: string, batch: number, layout: string, plans: PlanPrediction[]): string {
  const rows = plans.map((p) => [
    formatMemoryPlan(p.plan),
    mb(p.peakBytes),
    `×${p.relativeStepTime.toFixed(2)}`,
    mb(p.parts.weightsBytes + p.parts.optimizerStateBytes),
    mb(p.parts.otherBytes + p.parts.inputBytes),
    p.peakAt,
  ]);
  const header = ['Memory plan', 'Peak', 'Step time', 'Weights+state', 'Rest', 'Peak during'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd() + '\n';
  return [
    `Predicted training step of ${model} at batch ${batch} (${layout}, Adam) under each memory plan: those that compute the ordinary step first, then those that change what is learned (micro-batches while a BatchNorm trains, bfloat16 moments), each fastest first.\n`,
    `Step time is relative to the default plan, from MACs (+${MICROBATCH_OVERHEAD}× a step per extra micro-batch, measured roughly); --memory-budget takes the first that fits.\n`,
    line(header),
    ...rows.map(line),
  ].join('');
}
