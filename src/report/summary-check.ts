// run.json is written by another program (the trainer), possibly an older or newer version: check the
// fields the report reads before trusting them, and say exactly which one is wrong.

const NUMBER_FIELDS = [
  'inputSize',
  'batchSize',
  'epochs',
  'params.total',
  'final.trainAcc',
  'final.valAcc',
  'memory.peakTensorBytes',
  'memory.peakRssBytes',
  'memory.meanRssBytes',
  'memory.paperAvgMemBytes',
  'time.meanEpochS',
  'time.totalS',
  'inference.batchSize',
  'inference.batchMs.median',
  'inference.batchMs.p95',
  'inference.imageMs.median',
  'inference.imageMs.p95',
] as const;

const EPOCH_NUMBER_FIELDS = ['epoch', 'acc', 'valAcc', 'peakTensorBytes', 'peakRssBytes', 'timeS'] as const;

/** The problems that keep `value` from being read as a RunSummary; empty when it can be. */
export function runSummaryProblems(value: unknown): string[] {
  if (!isRecord(value)) return ['summary is not an object'];
  const problems: string[] = [];
  for (const key of ['id', 'model', 'dataset'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '')
      problems.push(`${key} is not a non-empty string`);
  }
  if (value.setting !== 'scratch' && value.setting !== 'pretrained') {
    problems.push(`setting is ${JSON.stringify(value.setting)}, expected "scratch" or "pretrained"`);
  }
  for (const path of NUMBER_FIELDS) {
    if (!isFiniteNumber(fieldAt(value, path))) problems.push(`${path} is not a finite number`);
  }
  const testAcc = fieldAt(value, 'final.testAcc');
  if (testAcc !== null && !isFiniteNumber(testAcc))
    problems.push('final.testAcc is neither a number nor null');
  if (!Array.isArray(value.history)) {
    problems.push('history is not an array');
  } else {
    value.history.forEach((record: unknown, index: number) => {
      for (const field of EPOCH_NUMBER_FIELDS) {
        if (!isRecord(record) || !isFiniteNumber(record[field])) {
          problems.push(`history[${index}].${field} is not a finite number`);
        }
      }
    });
  }
  return problems;
}

/** Reads a dotted path ("memory.peakTensorBytes") out of nested records; undefined when absent. */
export function fieldAt(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[part];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
