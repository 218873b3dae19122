// What `pareto-edge train` shows while it works: on a terminal a bar per epoch with ETA, loss,
// accuracy, images/s and tensor memory; elsewhere (logs, CI) one plain line per epoch.
import cliProgress from 'cli-progress';
import type { TrainEvents } from '../train/index.js';
import { isDefaultPlan } from '../analysis/index.js';
import { describeMemoryFormat } from '../train/memory-format.js';
import { describePrecision } from '../train/precision.js';

const MiB = 1024 * 1024;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export function trainProgress(stream: NodeJS.WriteStream = process.stderr): TrainEvents {
  const interactive = stream.isTTY === true && !process.env.CI;
  let bar: cliProgress.SingleBar | null = null;
  let epochs = 0;
  const line = (text: string) => stream.write(`${text}\n`);
  return {
    start(info) {
      epochs = info.epochs;
      const resumed = info.epochsDone > 0 ? `, resuming after epoch ${info.epochsDone}` : '';
      line(
        `training ${info.model} (${info.params.total.toLocaleString('en-US')} params) on ${info.trainImages} images in ${info.classes.length} classes → ${info.runDir}${resumed}`,
      );
    },
    memoryPlan({ record, plan }) {
      if (record.budgetBytes === null && isDefaultPlan(plan)) return;
      const budget =
        record.budgetBytes === null ? '' : ` (fastest within --memory-budget ${mb(record.budgetBytes)})`;
      line(
        `memory plan ${record.plan}${budget}: predicted peak ${mb(record.predictedPeakBytes)}, step time ×${record.predictedRelativeStepTime.toFixed(2)} of the default plan`,
      );
    },
    memoryFormat(choice) {
      if (interactive && choice.chosen === 'measured') line(`memory format ${describeMemoryFormat(choice)}`);
    },
    precision(choice) {
      if (interactive && choice.chosen !== 'forced') line(`precision ${describePrecision(choice)}`);
    },
    batch(p) {
      if (!interactive) return;
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `epoch ${p.epoch + 1}/${epochs} [{bar}] {value}/{total} ETA {eta_formatted} | loss {loss} acc {acc} | {speed} img/s | tensors {mem} MiB`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.batches, 0);
      }
      bar.update(p.batch, {
        loss: p.loss.toFixed(4),
        acc: p.accuracy.toFixed(3),
        speed: p.imagesPerS.toFixed(1),
        mem: (p.tensorBytes / MiB).toFixed(0),
      });
    },
    epoch(r) {
      bar?.stop();
      bar = null;
      line(
        [
          `epoch ${r.epoch}/${epochs}`,
          `loss ${r.loss.toFixed(4)}`,
          `acc ${r.acc.toFixed(4)}`,
          `val_loss ${r.valLoss.toFixed(4)}`,
          `val_acc ${r.valAcc.toFixed(4)}`,
          `${r.timeS.toFixed(1)} s`,
          `${r.imagesPerS.toFixed(1)} img/s`,
          `peak tensors ${(r.peakTensorBytes / MiB).toFixed(0)} MiB`,
          `peak RSS ${(r.peakRssBytes / MiB).toFixed(0)} MiB`,
        ].join('  '),
      );
    },
    phase(text) {
      bar?.stop();
      bar = null;
      if (interactive) line(`${text}…`);
    },
  };
}
