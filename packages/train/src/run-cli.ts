/**
 * `bkfac train`: parse options, load MNIST, run the experiment with progress
 * and Ctrl-C safety, print the table and write the report.
 * @module
 */
import { dirname, join } from 'node:path';
import { BkfacError } from '@bkfac/linalg';
import { help, invokedAs, parseCommandLine } from './args.js';
import type { ExperimentConfig } from './config.js';
import { EVALUATION_DIGITS } from './config.js';
import { TASKS } from './task.js';
import { upgradeExperiment } from './upgrade.js';
import type { ExperimentState } from './experiment.js';
import { newExperiment, runExperiment } from './experiment.js';
import { mergeResults } from './merge.js';
import { createReporter } from './progress.js';
import type { WrittenReport } from './report.js';
import { writeReport } from './report.js';
import { renderText } from './summary.js';
import {
  DataFormatError,
  ensureWritableFolder,
  loadCheckpoint,
  loadMnist,
  saveCheckpoint,
} from '@bkfac/nn';

/** Where the CLI writes and how it reacts to signals (injectable for tests). @internal */
export interface CliEnvironment {
  /** Standard output (progress, table). */
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Standard error (errors). */
  readonly stderr: NodeJS.WritableStream;
  /** Registers a handler of SIGINT (Ctrl-C) and SIGTERM; returns a function removing it. */
  readonly onInterrupt: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

const CHECKPOINT = 'checkpoint.bkfac';

/** Wall-clock period of the checkpoints written during a run. */
const CHECKPOINT_SECONDS = 60;

/** `true` once per {@link CHECKPOINT_SECONDS} of wall time (checkpoint saves do not count as training time). */
function everyMinute(): () => boolean {
  let last = Date.now();
  return () => {
    if (Date.now() - last < CHECKPOINT_SECONDS * 1000) return false;
    last = Date.now();
    return true;
  };
}

/**
 * Runs `bkfac train` with `argv` (without the program name) and returns the exit code:
 * 0 success, 1 failure, 2 usage error, 130 interrupted.
 * @internal
 */
export async function runCli(argv: readonly string[], env: CliEnvironment): Promise<number> {
  const { stdout, stderr } = env;
  let request;
  try {
    request = parseCommandLine(argv);
  } catch (e) {
    stderr.write(`${(e as Error).message}\nRun \`${invokedAs(argv)} --help\` for the options.\n`);
    return 2;
  }
  if (request.kind === 'help') {
    stdout.write(`${help(argv)}\n`);
    return 0;
  }
  const command =
    argv[0] === 'train'
      ? `bkfac ${argv.join(' ')}`
      : `npm run train${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  if (request.kind === 'merge') return merge(request.files, request.out, command, env);
  let state: ExperimentState;
  let out: string;
  try {
    if (request.kind === 'resume') {
      state = loadCheckpoint(request.checkpoint) as ExperimentState;
      if (state?.kind !== 'bkfac-train' || state.version !== 1 || !upgradeExperiment(state)) {
        throw new DataFormatError(
          'bkfac train',
          request.checkpoint,
          'not a bkfac train checkpoint',
        );
      }
      out = request.out ?? dirname(request.checkpoint);
    } else {
      state = newExperiment(request.config);
      out = request.out ?? join('runs', `train-${request.config.preset}`);
    }
    // Before any training: a folder that cannot be written would lose the run's results.
    ensureWritableFolder('bkfac train', out);
  } catch (e) {
    stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const { config } = state;
  const task = TASKS[config.task];
  const mode = request.quiet ? 'quiet' : stdout.isTTY === true ? 'bars' : 'lines';
  const reporter = createReporter(mode, stdout, task, stderr);
  const checkpoint = join(out, CHECKPOINT);
  let interrupted = false;
  let ctrlC = 0;
  const remove = env.onInterrupt((signal) => {
    // A second Ctrl-C exits at once; SIGTERM (sent e.g. by a package manager relaying the
    // first Ctrl-C) only ever asks for the graceful stop.
    if (signal === 'SIGINT' && ++ctrlC > 1) {
      stderr.write('\nSecond Ctrl-C: exiting without saving.\n');
      process.exit(130);
    }
    if (interrupted) return;
    interrupted = true;
    reporter.notice(
      `\n${signal}: stopping after this step, then saving results and a checkpoint (Ctrl-C again to exit now).`,
    );
  });
  try {
    const { normalization } = task;
    const train = loadMnist({
      split: 'train',
      normalization,
      ...(config.trainLimit === null ? {} : { limit: config.trainLimit }),
    });
    // The metric's examples: the test digits, or a fixed subset of the training digits.
    const evaluation =
      task.evaluatedOn === 'test'
        ? loadMnist({
            split: 'test',
            normalization,
            ...(config.testLimit === null ? {} : { limit: config.testLimit }),
          })
        : loadMnist({
            split: 'train',
            normalization,
            limit: Math.min(EVALUATION_DIGITS, train.size),
          });
    state = await runExperiment(state, {
      train,
      evaluation,
      reporter,
      interrupted: () => interrupted,
      save: (s) => saveCheckpoint(checkpoint, s),
      checkpointDue: everyMinute(),
    });
    printWritten(await writeReport(state, out, command, checkpoint), config, stdout);
    stdout.write(`Checkpoint: ${checkpoint}\n`);
    if (state.current !== null) {
      stdout.write(`Interrupted: continue with npm run train -- --resume ${checkpoint}\n`);
      return 130;
    }
    return 0;
  } catch (e) {
    if (!(e instanceof BkfacError)) throw e;
    stderr.write(`${e.message}\n`);
    return 1;
  } finally {
    remove();
  }
}

function printWritten(
  written: WrittenReport,
  config: ExperimentConfig,
  stdout: NodeJS.WritableStream,
): void {
  stdout.write(`\n${renderText(config, written.rows)}\n\n`);
  stdout.write(
    `Results: ${written.results}\nReport:  ${written.report}\nPlots:   ${written.plots.join(', ')}\n`,
  );
}

/** `--merge`: one report from finished experiments' results.json files. */
async function merge(
  files: readonly string[],
  out: string,
  command: string,
  env: CliEnvironment,
): Promise<number> {
  try {
    const { state, sources } = mergeResults(files);
    printWritten(await writeReport(state, out, command, '', sources), state.config, env.stdout);
    return 0;
  } catch (e) {
    if (!(e instanceof BkfacError)) throw e;
    env.stderr.write(`${e.message}\n`);
    return 1;
  }
}
