// `pareto-edge models`: the model zoo with one line each.
import type { Command } from 'commander';
import { listModels } from '../zoo/registry.js';

export function registerModels(program: Command): void {
  program
    .command('models')
    .description('list the model zoo (families and variants derived by compact-network-design transforms)')
    .option('--json', 'print the registry metadata as JSON')
    .action((options: { json?: boolean }) => {
      const models = listModels();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
        return;
      }
      const width = Math.max(...models.map((m) => m.name.length));
      for (const m of models) {
        const from = m.derivedFrom ? ` [derived from ${m.derivedFrom}]` : '';
        process.stdout.write(`${m.name.padEnd(width)}  ${m.description}${from}\n`);
      }
      process.stdout.write('\nDetails: pareto-edge summary <model> [--input N] [--classes K] [--batch B]\n');
    });
}
