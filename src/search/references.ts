// The paper's four models trained at the search's settings (the last rung's epochs, the largest input
// size, the same data and training options), so the report can place them on the same axes as the
// candidates. They are trained after the search, whatever the budgets, and not charged to its time budget.
import path from 'node:path';
import { summarize } from '../analysis/index.js';
import type { RunExecutor } from '../experiment/runner.js';
import { DEFAULT_TRAIN_CONFIG, RunDir } from '../train/index.js';
import { trainingView } from '../zoo/model-file.js';
import { describeModel, PAPER_MODELS } from '../zoo/registry.js';
import { predictedPeakBytes } from './candidates.js';
import { inferenceLatencyMs } from './measures.js';
import type { SearchStore } from './store.js';
import type { ReferenceRecord, SearchSettings } from './types.js';

export async function trainReferences(
  dir: string,
  store: SearchStore,
  settings: SearchSettings,
  execute: RunExecutor,
  onModel: (model: string) => void = () => undefined,
): Promise<ReferenceRecord[]> {
  const inputSize = Math.max(...settings.inputSizes);
  const epochs = settings.rungs[settings.rungs.length - 1]!;
  const done = new Map(store.references().map((r) => [r.model, r]));
  for (const model of PAPER_MODELS) {
    if (done.get(model)?.result || done.get(model)?.excluded) continue;
    const description = describeModel(model, { numClasses: settings.numClasses, inputSize });
    const training = trainingView(description);
    const summary = summarize(training, { batchSize: settings.train.batchSize });
    const peakBytes = predictedPeakBytes(training, settings.train);
    const record: ReferenceRecord = {
      model,
      peakBytes,
      params: summary.params.total,
      latencyMs: null,
      result: null,
      excluded: null,
      runDir: null,
      // Trained even when over the budgets: they are what the found networks are compared with.
      overBudget: settings.memoryBudgetBytes !== null && peakBytes > settings.memoryBudgetBytes,
    };
    onModel(model);
    if (settings.objective === 'latency' || settings.latencyBudgetMs !== null)
      record.latencyMs = inferenceLatencyMs(training);
    const runDir = path.join(dir, 'references', model);
    const started = performance.now();
    const outcome = await execute(
      {
        id: model,
        dataset: 'search',
        setting: 'scratch',
        dir: runDir,
        config: {
          ...DEFAULT_TRAIN_CONFIG,
          ...settings.train,
          model,
          data: settings.data,
          epochs,
          inputSize,
          initFrom: null,
        },
      },
      {},
    );
    const run = outcome.status === 'failed' ? null : (await new RunDir(runDir).read())?.summary;
    record.runDir = path.relative(dir, runDir);
    if (!run)
      record.excluded = `training failed: ${outcome.status === 'failed' ? outcome.error.split('\n')[0] : 'no summary'}`;
    else
      record.result = {
        epochs,
        valAcc: run.final.valAcc,
        testAcc: run.final.testAcc,
        meanEpochS: run.time.meanEpochS,
        peakTensorBytes: run.memory.peakTensorBytes,
        trainS: (performance.now() - started) / 1000,
      };
    store.saveReference(record);
  }
  return store.references();
}
