// Reopens a finished run: its description, weights and classes, ready for evaluation.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadWeights } from '../nn/index.js';
import { buildModel, type DescribedModel } from '../models/build.js';
import type { ModelDescription } from '../models/description.js';
import { readFinishedRun, type RunRecord } from './run-dir.js';

export async function loadRunModel(runDir: string): Promise<{ record: RunRecord; model: DescribedModel }> {
  const record = await readFinishedRun(runDir, 'run');
  const description = JSON.parse(await readFile(path.join(runDir, 'model.json'), 'utf8')) as ModelDescription;
  const model = buildModel(description);
  try {
    await loadWeights(model, path.join(runDir, 'weights.safetensors'));
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { record, model };
}
