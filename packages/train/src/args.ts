/**
 * Command-line options of `bkfac train` (node:util parseArgs) and their help.
 * @module
 */
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '@bkfac/linalg';
import type { ExperimentConfig, OptimizerName, PresetName } from './config.js';
import { DEFAULT_CONFIG, OPTIMIZER_NAMES, PRESETS } from './config.js';
import { TASKS, byDifficulty } from './task.js';
import { buildOptimizer, settableKeys } from './optimizers.js';

/** What the command line asks for. @internal */
export type CliRequest =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'train';
      readonly config: ExperimentConfig;
      readonly out: string | null;
      readonly quiet: boolean;
    }
  | {
      readonly kind: 'resume';
      readonly checkpoint: string;
      readonly out: string | null;
      readonly quiet: boolean;
    }
  | { readonly kind: 'merge'; readonly files: readonly string[]; readonly out: string };

/**
 * How the command was invoked, for its messages: `bkfac train` (the package's
 * bin) or `npm run train --` (the workspace script).
 * @internal
 */
export function invokedAs(argv: readonly string[]): string {
  return argv[0] === 'train' ? 'bkfac train' : 'npm run train --';
}

/** The help text, with the usage line as the command was invoked. @internal */
export function help(argv: readonly string[]): string {
  return `Usage: ${invokedAs(argv)} [options]\n${HELP}`;
}

const HELP = `
Trains a network on the bundled MNIST digits with several optimizers and compares
them: live progress, a result table, results.json, report.md and SVG plots.

Options (defaults of the plain run in brackets):
  --optimizers <list>   comma-separated, from: ${OPTIMIZER_NAMES.join(', ')}
                        [${DEFAULT_CONFIG.optimizers.join(',')}]
  --epochs <n>          maximum epochs per run [${DEFAULT_CONFIG.epochs}]
  --hidden <list>       hidden layer widths, e.g. 512,512 [${DEFAULT_CONFIG.hidden.join(',')}]
  --batch-size <n>      mini-batch size [${DEFAULT_CONFIG.batchSize}]
  --rank <n>            target rank of the K-FAC family's low-rank factors [${DEFAULT_CONFIG.rank}]
  --seed <list>         seed(s), one run per optimizer and seed, e.g. 1,2,3 [${DEFAULT_CONFIG.seeds.join(',')}]
  --target <list>       values of the metric to time: test accuracies (e.g. 0.97,0.98)
                        or, for the autoencoder, reconstruction errors (e.g. 8,5.8);
                        a run stops at the hardest one [${DEFAULT_CONFIG.targets.join(',')}]
  --time-limit <s>      training seconds per run, 0 for none [${DEFAULT_CONFIG.timeLimit}]
  --train-limit <n>     use the first n training digits, 'all' for 60,000 [${DEFAULT_CONFIG.trainLimit}]
  --test-limit <n>      use the first n test digits, 'all' for 10,000 [${DEFAULT_CONFIG.testLimit}]
  --eval-every <f>      test evaluation period in epochs [${DEFAULT_CONFIG.evalEvery}]
  --fisher <kind>       K-factor statistics from the 'empirical' Fisher (true labels)
                        or the 'true' Fisher (labels sampled from the model) [empirical]
  --set <list>          hyper-parameters per optimizer, e.g. sgd.lr=0.01,b-kfac.damping=0.03;
                        sgd: lr, momentum; adam: lr; the K-FAC family: lr, weightDecay,
                        damping (constant λ), clip (κ), decay (ρ), and the periods
                        update, inverse, brand, overwrite, correction (in steps)
  --no-inversion-error  skip the inversion-error probes of the low-rank strategies
  --out <dir>           results folder [runs/train-<preset>]
  --resume <file>       continue an interrupted experiment from its checkpoint
                        (its configuration is reused; other options are ignored)
  --merge <list>        write one report from the results.json files of finished
                        experiments that differ only in --seed (e.g. one process
                        per core); with one file, render its report again.
                        Needs --out; other options are ignored
  --quiet               no progress output, only the final table
  --preset <name>       'mnist-mlp': the fixed protocol (784-512-512-10, batch 128,
                        full data, stop at 98 % or 10 epochs, seeds 1,2,3, all
                        optimizers, rank 220); 'mnist-autoencoder': the deep
                        autoencoder 784-1000-500-250-30 (mirrored, logistic units,
                        Bernoulli loss, true Fisher), batch 128, full data, training
                        reconstruction error timed to 8 and 5.8, 10 epochs at most,
                        seeds 1,2,3, rank 220; explicit options override it
                        (--hidden then gives the encoder widths)
  -h, --help            show this help

Ctrl-C stops after the current step, writes the results measured so far and a
checkpoint; --resume continues it.`;

const OPTIONS = {
  optimizers: { type: 'string' },
  epochs: { type: 'string' },
  hidden: { type: 'string' },
  'batch-size': { type: 'string' },
  rank: { type: 'string' },
  seed: { type: 'string' },
  target: { type: 'string' },
  'time-limit': { type: 'string' },
  'train-limit': { type: 'string' },
  'test-limit': { type: 'string' },
  'eval-every': { type: 'string' },
  fisher: { type: 'string' },
  set: { type: 'string' },
  'no-inversion-error': { type: 'boolean' },
  out: { type: 'string' },
  resume: { type: 'string' },
  merge: { type: 'string' },
  quiet: { type: 'boolean' },
  preset: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FN = 'bkfac train';

function integer(flag: string, text: string, min: number): number {
  const v = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(v) || v < min) {
    throw new InvalidArgumentError(FN, `--${flag}`, `an integer >= ${min}`, text);
  }
  return v;
}

function list<T>(flag: string, text: string, item: (s: string) => T): T[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => p === ''))
    throw new InvalidArgumentError(
      FN,
      `--${flag}`,
      'a comma-separated list without empty items',
      text,
    );
  return parts.map(item);
}

function fraction(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !(v > 0 && v <= 1))
    throw new InvalidArgumentError(FN, `--${flag}`, 'a number in (0, 1]', text);
  return v;
}

function positive(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !(v > 0) || !Number.isFinite(v))
    throw new InvalidArgumentError(FN, `--${flag}`, 'a positive number', text);
  return v;
}

/**
 * `--set a.key=value,…` as per-optimizer records; an optimizer must be among
 * `optimizers`, a key among those it reads, a value a finite number (periods
 * whole numbers), and a key set once.
 */
function overrides(
  text: string,
  optimizers: readonly OptimizerName[],
): Partial<Record<OptimizerName, Record<string, number>>> {
  const out: Partial<Record<OptimizerName, Record<string, number>>> = {};
  for (const item of list('set', text, (v) => v)) {
    const match = /^([a-z-]+)\.([A-Za-z]+)=(.+)$/.exec(item);
    if (match === null)
      throw new InvalidArgumentError(FN, '--set', 'items <optimizer>.<key>=<number>', item);
    const [, name, key, raw] = match as unknown as [string, OptimizerName, string, string];
    if (!optimizers.includes(name))
      throw new InvalidArgumentError(
        FN,
        '--set',
        `an optimizer of this experiment (${optimizers.join(', ')})`,
        item,
      );
    const keys = settableKeys(name);
    if (!keys.includes(key))
      throw new InvalidArgumentError(FN, '--set', `a key of ${name}: ${keys.join(', ')}`, item);
    const value = Number(raw);
    const isPeriod = ['update', 'inverse', 'brand', 'overwrite', 'correction'].includes(key);
    if (raw.trim() === '' || !Number.isFinite(value) || (isPeriod && !Number.isSafeInteger(value)))
      throw new InvalidArgumentError(
        FN,
        '--set',
        isPeriod ? 'a whole number of steps' : 'a finite number',
        item,
      );
    const record = (out[name] ??= {});
    if (record[key] !== undefined)
      throw new InvalidArgumentError(FN, '--set', `${name}.${key} once`, item);
    record[key] = value;
  }
  return out;
}

/** The MNIST splits' sizes: a larger limit is an error at parse time, not after loading. */
const TRAIN_DIGITS = 60000;
const TEST_DIGITS = 10000;

function limit(flag: string, text: string, size: number): number | null {
  if (text === 'all') return null;
  const v = integer(flag, text, 1);
  if (v > size)
    throw new InvalidArgumentError(FN, `--${flag}`, `'all' or an integer <= ${size}`, text);
  return v;
}

/**
 * `--flag -1` as `--flag=-1` for options that take a value: parseArgs would
 * call the value ambiguous, and the user should hear what is wrong with it.
 */
function withNegativeValuesAttached(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.startsWith('--') ? args[i]!.slice(2) : null;
    const next = args[i + 1];
    const takesValue =
      name !== null && (OPTIONS as Record<string, { type: string }>)[name]?.type === 'string';
    if (takesValue && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else out.push(args[i]!);
  }
  return out;
}

/**
 * Parses the command line of `bkfac train`.
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an unknown option or an invalid value
 * @internal
 */
export function parseCommandLine(argv: readonly string[]): CliRequest {
  // `bkfac train …` (the package's bin) and `npm run train -- …` take the same options.
  const args = argv[0] === 'train' ? argv.slice(1) : argv;
  let values: Partial<Record<keyof typeof OPTIONS, string | boolean>>;
  try {
    ({ values } = parseArgs({
      args: withNegativeValuesAttached(args),
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new InvalidArgumentError(
      FN,
      'arguments',
      'known options (see --help)',
      (e as Error).message,
    );
  }
  const str = (k: keyof typeof OPTIONS): string | undefined => values[k] as string | undefined;
  if (values.help === true) return { kind: 'help' };
  const out = str('out') ?? null;
  const quiet = values.quiet === true;
  const resume = str('resume');
  if (resume !== undefined) return { kind: 'resume', checkpoint: resume, out, quiet };
  const merge = str('merge');
  if (merge !== undefined) {
    if (out === null)
      throw new InvalidArgumentError(FN, '--out', 'a folder for the merged report', 'none');
    return { kind: 'merge', files: list('merge', merge, (f) => f), out };
  }
  const presetName = str('preset') ?? 'default';
  if (!Object.hasOwn(PRESETS, presetName)) {
    throw new InvalidArgumentError(
      FN,
      '--preset',
      "'mnist-mlp' or 'mnist-autoencoder'",
      presetName,
    );
  }
  const base = PRESETS[presetName as PresetName];
  const task = TASKS[base.task];
  const opt = <T>(k: keyof typeof OPTIONS, parse: (s: string) => T, fallback: T): T => {
    const s = str(k);
    return s === undefined ? fallback : parse(s);
  };
  const optimizers = opt(
    'optimizers',
    (s) =>
      list('optimizers', s, (o) => {
        if (!OPTIMIZER_NAMES.includes(o as OptimizerName))
          throw new InvalidArgumentError(
            FN,
            '--optimizers',
            `names from ${OPTIMIZER_NAMES.join(', ')}`,
            o,
          );
        return o as OptimizerName;
      }),
    base.optimizers,
  );
  if (new Set(optimizers).size !== optimizers.length)
    throw new InvalidArgumentError(FN, '--optimizers', 'distinct names', optimizers.join(','));
  const targets = opt(
    'target',
    (s) =>
      byDifficulty(
        task,
        list('target', s, (t) =>
          task.higherIsBetter ? fraction('target', t) : positive('target', t),
        ),
      ),
    base.targets,
  );
  const fisher = opt(
    'fisher',
    (s) => {
      if (s !== 'empirical' && s !== 'true')
        throw new InvalidArgumentError(FN, '--fisher', "'empirical' or 'true'", s);
      return s;
    },
    base.fisher,
  );
  const timeLimit = opt(
    'time-limit',
    (s) => {
      const v = Number(s);
      if (s.trim() === '' || !(v >= 0) || !Number.isFinite(v))
        throw new InvalidArgumentError(FN, '--time-limit', 'a number of seconds >= 0', s);
      return v === 0 ? null : v;
    },
    base.timeLimit,
  );
  const config: ExperimentConfig = {
    preset: base.preset,
    task: base.task,
    optimizers,
    seeds: opt('seed', (s) => list('seed', s, (v) => integer('seed', v, 0)), base.seeds),
    hidden: opt('hidden', (s) => list('hidden', s, (v) => integer('hidden', v, 1)), base.hidden),
    batchSize: opt('batch-size', (s) => integer('batch-size', s, 1), base.batchSize),
    rank: opt('rank', (s) => integer('rank', s, 1), base.rank),
    epochs: opt('epochs', (s) => integer('epochs', s, 1), base.epochs),
    targets,
    trainLimit: opt('train-limit', (s) => limit('train-limit', s, TRAIN_DIGITS), base.trainLimit),
    testLimit: opt('test-limit', (s) => limit('test-limit', s, TEST_DIGITS), base.testLimit),
    timeLimit,
    evalEvery: opt('eval-every', (s) => fraction('eval-every', s), base.evalEvery),
    fisher,
    inversionError: values['no-inversion-error'] === true ? false : base.inversionError,
    overrides: opt('set', (s) => overrides(s, optimizers), base.overrides),
  };
  for (const name of optimizers) {
    if (config.overrides[name] === undefined) continue;
    // Build each optimizer that has --set values once, so a value it rejects (a period that
    // does not divide another, a negative damping…) is reported now, not when its run starts.
    try {
      buildOptimizer(name, config, ['linear0'], 1, () => {});
    } catch (e) {
      throw new InvalidArgumentError(FN, '--set', `values ${name} accepts`, (e as Error).message);
    }
  }
  const trainSize = config.trainLimit ?? TRAIN_DIGITS;
  if (config.batchSize > trainSize) {
    // A batch larger than the data would silently shrink, with the learning rate still scaled for it.
    throw new InvalidArgumentError(
      FN,
      '--batch-size',
      `at most the ${trainSize} training digits in use`,
      config.batchSize,
    );
  }
  return { kind: 'train', config, out, quiet };
}
