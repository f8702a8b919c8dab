/**
 * Live progress of `bkfac train`: a progress bar per run on a terminal,
 * one log line per evaluation otherwise, or nothing (`--quiet`).
 * @module
 */
import cliProgress from 'cli-progress';
import type { Reporter } from './experiment.js';
import type { RunRecord } from './records.js';
import { epochsTrained } from './records.js';
import type { Task } from './task.js';

/** How progress is shown. @internal */
export type ProgressMode = 'bars' | 'lines' | 'quiet';

/** The latest metric as `label value`, e.g. `test 97.50%`. */
function lastMetric(task: Task, r: RunRecord): string {
  const e = r.evaluations[r.evaluations.length - 1];
  return `${task.label} ${e === undefined ? '—' : task.format(e.metric)}`;
}

function stepsPerSecond(r: RunRecord): number {
  return r.trainingSeconds > 0 ? r.steps / r.trainingSeconds : 0;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/**
 * A reporter writing progress to `out` in the given mode, showing `task`'s metric;
 * notices go to `err` (while a bar is drawn, once it has stopped).
 * @internal
 */
export function createReporter(
  mode: ProgressMode,
  out: NodeJS.WritableStream,
  task: Task,
  err: NodeJS.WritableStream = out,
): Reporter {
  const notice = (text: string) => void err.write(`${text}\n`);
  if (mode === 'quiet') return { runStart() {}, step() {}, evaluation() {}, runEnd() {}, notice };
  if (mode === 'lines') return { ...lineReporter(out, task), notice };
  return barReporter(out, task, notice);
}

function runName(r: RunRecord): string {
  return `${r.optimizer} s${r.seed}`;
}

function lineReporter(out: NodeJS.WritableStream, task: Task): Omit<Reporter, 'notice'> {
  return {
    runStart(r, maxSteps, timeLimit, position) {
      const limit = timeLimit === null ? '' : `, ${timeLimit} s of training at most`;
      out.write(
        `[${runName(r)}] run ${position.index} of ${position.count}, start at step ${r.steps}: up to ${maxSteps} steps (${r.stepsPerEpoch} per epoch)${limit}\n`,
      );
    },
    step() {},
    evaluation(r) {
      const e = r.evaluations[r.evaluations.length - 1]!;
      out.write(
        `[${runName(r)}] step ${e.step} epoch ${e.epoch.toFixed(2)} train ${e.seconds.toFixed(1)} s ` +
          `loss ${r.losses[r.losses.length - 1]?.loss.toFixed(4) ?? '—'} ${lastMetric(task, r)} ` +
          `${stepsPerSecond(r).toFixed(1)} steps/s\n`,
      );
    },
    runEnd(r) {
      out.write(
        `[${runName(r)}] ${r.status} after ${r.steps} steps, ${r.trainingSeconds.toFixed(1)} s, ${lastMetric(task, r)}\n`,
      );
    },
  };
}

function barReporter(
  out: NodeJS.WritableStream,
  task: Task,
  notice: (text: string) => void,
): Reporter {
  let bar: cliProgress.SingleBar | null = null;
  // The bar redraws its own line and restores the cursor when it stops, which would
  // overprint a message written meanwhile: messages wait for the bar to stop.
  const pending: string[] = [];
  let total = 0;
  let limit: number | null = null;
  let run = '';
  const payload = (r: RunRecord) => {
    const rate = stepsPerSecond(r);
    const stepsLeft = rate > 0 ? (total - r.steps) / rate : Infinity;
    const timeLeft = limit === null ? Infinity : limit - r.trainingSeconds;
    return {
      run,
      name: runName(r).padEnd(11),
      epoch: epochsTrained(r).toFixed(2),
      metric: lastMetric(task, r),
      rate: rate.toFixed(1),
      remaining: formatSeconds(Math.max(0, Math.min(stepsLeft, timeLeft))),
    };
  };
  return {
    runStart(r, maxSteps, timeLimit, position) {
      total = maxSteps;
      limit = timeLimit;
      run = `${position.index}/${position.count}`;
      // About 75 columns at most, for an 80-column terminal (the loss is in the report).
      bar = new cliProgress.SingleBar(
        {
          format: '{run} {name} {bar} {value}/{total} ep {epoch} {metric} {rate}/s ETA {remaining}',
          stream: out,
          hideCursor: true,
          fps: 4,
          barsize: 12,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(maxSteps, r.steps, payload(r));
    },
    step(r) {
      bar?.update(r.steps, payload(r));
    },
    evaluation(r) {
      bar?.update(r.steps, payload(r));
    },
    runEnd(r) {
      bar?.update(r.steps, payload(r));
      bar?.stop();
      out.write(
        `  → ${r.status} after ${r.steps} steps, ${r.trainingSeconds.toFixed(1)} s of training\n`,
      );
      bar = null;
      for (const text of pending.splice(0)) notice(text);
    },
    notice(text) {
      if (bar === null) notice(text);
      else pending.push(text);
    },
  };
}
