// The pareto-edge command line: one file per command under src/cli/, each exporting register().
import { Command } from 'commander';
import { registerData } from './data.js';
import { registerDoctor } from './doctor.js';
import { reportCliError, throwCommanderErrors } from './errors.js';
import { registerModels } from './models.js';
import { registerReport } from './report.js';
import { registerSummary } from './summary.js';
import { registerTrain } from './train.js';
import { registerEval } from './eval.js';
import { registerPredict } from './predict.js';
import { registerExport } from './export.js';
import { packageVersion } from './version.js';
import { registerBench } from './bench.js';
import { registerCompare } from './compare.js';
import { registerSearch } from './search.js';
import { registerWorker } from './worker.js';
import { registerServe } from './serve.js';

export function buildProgram(): Command {
  const program = new Command('pareto-edge')
    .description('Design, train on-device and compare compact CNNs for resource-constrained edge hardware')
    .version(packageVersion());
  registerDoctor(program);
  registerData(program);
  registerReport(program);
  registerModels(program);
  registerSummary(program);
  registerTrain(program);
  registerEval(program);
  registerPredict(program);
  registerExport(program);
  registerBench(program);
  registerCompare(program);
  registerSearch(program);
  registerWorker(program);
  registerServe(program);
  throwCommanderErrors(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = reportCliError(error);
  }
}
