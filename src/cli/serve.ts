// `pareto-edge serve EXP_DIR`: a live page of an experiment's runs, workers and front.
import type { Command } from 'commander';
import { serveLive } from '../distributed/live-server.js';
import { integer } from './parse.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'a live web page of an experiment: runs with status and epoch progress, workers, the current front',
    )
    .argument('<exp-dir>', 'the --out directory of pareto-edge compare')
    .option('--port <n>', 'port (0: any free one)', integer({ min: 0 }), 8080)
    .option('--host <address>', 'address to listen on; 0.0.0.0 opens the page to the network', '127.0.0.1')
    .action(async (expDir: string, flags: { port: number; host: string }) => {
      const server = await serveLive(expDir, flags);
      process.stdout.write(`Live page of ${expDir}: ${server.url} (Ctrl-C to stop)\n`);
    });
}
