// Reopens a finished run: its description, weights and classes, ready for evaluation.
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadWeights } from '../nn/index.js';
import { buildModel, type DescribedModel } from '../models/build.js';
import type { ModelDescription } from '../models/description.js';
import { TrainInputError } from './errors.js';
import { readFinishedRun, type RunRecord } from './run-dir.js';

export async function loadRunModel(runDir: string): Promise<{ record: RunRecord; model: DescribedModel }> {
  const record = await readFinishedRun(runDir, 'run');
  const description = JSON.parse(await readFile(path.join(runDir, 'model.json'), 'utf8')) as ModelDescription;
  const weights = path.join(runDir, 'weights.safetensors');
  if (
    !(await access(weights).then(
      () => true,
      () => false,
    ))
  )
    throw new TrainInputError(
      `run ${runDir} has no weights.safetensors (a run copied without its weights, as results/ in the ` +
        `repository is): train it again (pareto-edge train ... --out ${runDir}) or copy its weights in`,
    );
  const model = buildModel(description);
  try {
    await loadWeights(model, weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { record, model };
}
