// `pareto-edge worker`: this machine takes training runs from a coordinator's queue until stopped.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { startWorker } from '../distributed/worker.js';
import { TAG_PATTERN } from '../distributed/job.js';
import { integer } from './parse.js';

interface WorkerFlags {
  queue: string;
  tags?: string[];
  concurrency: number;
  artifacts?: string;
  workDir?: string;
  lockSeconds: number;
  name?: string;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description("train the runs of a coordinator's queue (compare --queue) on this machine until stopped")
    .requiredOption(
      '--queue <url>',
      'the Redis of the queue: redis://HOST:PORT (redis://:PASSWORD@HOST:PORT, rediss:// for TLS)',
    )
    .option(
      '--tags <list>',
      'comma-separated tags of this machine: it also takes jobs that require one of them',
      tagList,
    )
    .option(
      '--concurrency <n>',
      'runs at once on this machine, across its queues (one per board is what measurements assume)',
      integer(),
      1,
    )
    .option(
      '--artifacts <dir>',
      'a directory shared by the workers: run directories (checkpoints, weights) go there, so a run another worker left is resumed from its last epoch',
    )
    .option('--work-dir <dir>', 'where run directories go without --artifacts (default: the cache folder)')
    .option(
      '--lock-seconds <n>',
      "how long a job stays this worker's without a lock renewal: a killed worker's job goes back to the queue after about 1.5× this",
      integer(),
      60,
    )
    .option('--name <name>', 'the name the live page shows (default: HOST-PID-random)')
    .action(async (flags: WorkerFlags) => {
      const worker = await startWorker({
        url: flags.queue,
        tags: flags.tags ?? [],
        concurrency: flags.concurrency,
        artifacts: flags.artifacts ?? null,
        ...(flags.workDir ? { workDir: flags.workDir } : {}),
        lockSeconds: flags.lockSeconds,
        ...(flags.name ? { name: flags.name } : {}),
        log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
      });
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stderr.write(
            'stopping: waiting for the runs in progress (Ctrl-C again to leave them to another worker)\n',
          );
          process.once('SIGINT', () => process.exit(130));
          void worker.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

const TAG_RULE = 'Tags are letters, digits, - and _';

function tagList(text: string): string[] {
  const tags = text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  if (tags.length === 0) throw new InvalidArgumentError(`${TAG_RULE}, separated by commas.`);
  return tags.map(tagName);
}

export function tagName(text: string): string {
  if (!TAG_PATTERN.test(text)) throw new InvalidArgumentError(`${TAG_RULE} (not "${text}").`);
  return text;
}
