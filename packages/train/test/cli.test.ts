import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { InvalidArgumentError } from '@bkfac/linalg';
import { parseCommandLine } from '../src/args';
import { describeOptimizer } from '../src/optimizers';
import { createReporter } from '../src/progress';
import { newRecord } from '../src/records';
import { TASKS } from '../src/task';

// End to end: the CLI runs as a subprocess on the sources, in one Node process with tsx's
// loader (ESM as in production; signals reach it directly). Hidden width 48 with rank 4 and
// batch 16 makes A₁ (785), G₁ (48) and A₂ (49) Brand-updated.
const root = join(__dirname, '..', '..', '..');
const main = join(root, 'packages', 'train', 'src', 'main.ts');
const command = [process.execPath, ['--import', 'tsx', main]] as const;
const env = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.test.json') };
// prettier-ignore
const tiny = ['--hidden', '48', '--batch-size', '16', '--rank', '4', '--train-limit', '256', '--test-limit', '100', '--target', '0.5,0.99'];

interface Results {
  interrupted: boolean;
  summary: { optimizer: string }[];
  runs: {
    optimizer: string;
    status: string;
    steps: number;
    evaluations: { step: number; seconds: number; metric: number; loss: number }[];
    factors: { tracking: string }[];
  }[];
}

function results(dir: string): Results {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;
}

describe('bkfac train (subprocess)', () => {
  it('runs a tiny experiment: table on stdout, results.json, report.md, three SVG plots, a checkpoint', () => {
    const out = mkdtempSync(join(tmpdir(), 'bkfac-cli-'));
    try {
      const r = spawnSync(
        command[0],
        [...command[1], ...tiny, '--optimizers', 'sgd,adam,b-kfac', '--epochs', '2', '--out', out],
        { cwd: root, env, encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout.split('\n');
      const header = lines.findIndex((l) => l.startsWith('optimizer  '));
      // Two tables, each within 100 columns: outcomes, then costs.
      expect(lines[header]!.split(/\s{2,}/)).toEqual([
        'optimizer',
        'runs',
        'final acc %',
        's to 50.0%',
        'epochs to 50.0%',
        's to 99.0%',
        'epochs to 99.0%',
        'status',
      ]);
      expect(lines[header + 1]).toMatch(/^-+(\s+-+){7}$/);
      const rows = lines.slice(header + 2, header + 5).map((l) => l.trim().split(/\s+/)[0]);
      expect(rows).toEqual(['sgd', 'adam', 'b-kfac']);
      expect(lines[header + 5]).toBe('');
      expect(lines[header + 6]!.split(/\s{2,}/)).toEqual([
        'optimizer',
        's/epoch',
        'overhead vs SGD',
        'fwd+bwd %',
        'factors %',
        'precond %',
        'peak RSS MiB',
      ]);
      for (const l of lines.slice(header, header + 10)) expect(l.length).toBeLessThanOrEqual(100);
      // log-friendly progress (stdout is a pipe, not a terminal)
      expect(r.stdout).toMatch(/\[b-kfac s1\] step 16 epoch 1\.00 /);
      expect(r.stdout).toMatch(/\[adam s1\] run 2 of 3, start at step 0:/);
      const res = results(out);
      expect(res.interrupted).toBe(false);
      expect(res.summary.map((s) => s.optimizer)).toEqual(['sgd', 'adam', 'b-kfac']);
      expect(res.runs.map((x) => [x.optimizer, x.steps])).toEqual([
        ['sgd', 32],
        ['adam', 32],
        ['b-kfac', 32],
      ]);
      expect(res.runs[2]!.factors.map((f) => f.tracking)).toEqual([
        'brand',
        'brand',
        'brand',
        'dense',
      ]);
      const report = readFileSync(join(out, 'report.md'), 'utf8');
      expect(report).toMatch(/^# bkfac train: MNIST MLP 784-48-10/);
      for (const svg of ['accuracy-vs-time.svg', 'loss-vs-step.svg', 'inversion-error.svg']) {
        expect(report).toContain(`](${svg})`);
        expect(readFileSync(join(out, svg), 'utf8')).toMatch(
          /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
        );
      }
      expect(existsSync(join(out, 'checkpoint.bkfac'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true });
    }
  }, 120_000);

  it('runs a tiny autoencoder experiment: reconstruction error falls and is reported against its targets', () => {
    const out = mkdtempSync(join(tmpdir(), 'bkfac-cli-'));
    try {
      // prettier-ignore
      const args = ['--preset', 'mnist-autoencoder', '--hidden', '64,8', '--batch-size', '16', '--rank', '4', '--train-limit', '256', '--target', '60,1', '--seed', '1', '--optimizers', 'sgd,b-kfac', '--epochs', '2', '--eval-every', '0.5', '--out', out];
      const r = spawnSync(command[0], [...command[1], ...args], {
        cwd: root,
        env,
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const header = r.stdout.split('\n').find((l) => l.startsWith('optimizer  '))!;
      expect(header.split(/\s{2,}/).slice(0, 7)).toEqual([
        'optimizer',
        'runs',
        'final error',
        's to 60',
        'epochs to 60',
        's to 1',
        'epochs to 1',
      ]);
      expect(r.stdout).toMatch(/\[b-kfac s1\] step 8 epoch 0\.50 .* error \d+\.\d\d /);
      const res = results(out);
      for (const run of res.runs) {
        const first = run.evaluations[0]!.metric;
        const last = run.evaluations[run.evaluations.length - 1]!.metric;
        expect(last).toBeLessThan(first);
        expect(run.steps).toBe(32);
      }
      const report = readFileSync(join(out, 'report.md'), 'utf8');
      expect(report).toMatch(/^# bkfac train: MNIST deep autoencoder 784-64-8-64-784/);
      expect(report).toContain('Bernoulli cross-entropy');
      expect(report).toContain('](error-vs-time.svg)');
      expect(readFileSync(join(out, 'error-vs-time.svg'), 'utf8')).toMatch(/^<svg/);
    } finally {
      rmSync(out, { recursive: true });
    }
  }, 120_000);

  it('Ctrl-C saves results and a checkpoint; --resume finishes exactly as an uninterrupted run', async () => {
    const args = [
      ...tiny,
      '--optimizers',
      'sgd,b-kfac',
      '--epochs',
      '20',
      '--eval-every',
      '0.5',
      '--no-inversion-error',
    ];
    const straight = mkdtempSync(join(tmpdir(), 'bkfac-cli-'));
    const broken = mkdtempSync(join(tmpdir(), 'bkfac-cli-'));
    try {
      expect(
        spawnSync(command[0], [...command[1], ...args, '--out', straight, '--quiet'], {
          cwd: root,
          env,
        }).status,
      ).toBe(0);
      // Interrupt when the b-kfac run reports its first evaluation after step 0.
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(command[0], [...command[1], ...args, '--out', broken], {
          cwd: root,
          env,
        });
        let seen = '';
        let sent = false;
        child.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (!sent && /\[b-kfac s1\] step [1-9]/.test(seen)) {
            sent = true;
            child.kill('SIGINT');
          }
        });
        child.on('close', resolve);
      });
      expect(code).toBe(130);
      const partial = results(broken);
      expect(partial.interrupted).toBe(true);
      expect(partial.runs.map((x) => x.status)).toEqual(['epochs', 'interrupted']);
      const resumed = spawnSync(
        command[0],
        [...command[1], '--resume', join(broken, 'checkpoint.bkfac'), '--quiet'],
        { cwd: root, env, encoding: 'utf8' },
      );
      expect(resumed.status).toBe(0);
      const [a, b] = [results(straight), results(broken)];
      expect(b.interrupted).toBe(false);
      for (const i of [0, 1]) {
        const last = (x: Results) => x.runs[i]!.evaluations[x.runs[i]!.evaluations.length - 1]!;
        expect([b.runs[i]!.status, b.runs[i]!.steps]).toEqual([
          a.runs[i]!.status,
          a.runs[i]!.steps,
        ]);
        expect(last(b)).toEqual({ ...last(a), seconds: last(b).seconds });
      }
    } finally {
      rmSync(straight, { recursive: true });
      rmSync(broken, { recursive: true });
    }
  }, 180_000);
});

describe('progress bars', () => {
  it('fit an 80-column terminal and say which run of how many is shown', () => {
    const written: string[] = [];
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    stream.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    const reporter = createReporter('bars', stream, TASKS.autoencoder);
    const record = newRecord('b-kfac-c', 12, [8]);
    record.stepsPerEpoch = 469;
    reporter.runStart(record, 4690, null, { index: 17, count: 24 });
    record.steps = 4000;
    record.trainingSeconds = 3600;
    record.evaluations.push({ step: 4000, epoch: 8.5, seconds: 3600, metric: 272.04, loss: 1 });
    reporter.evaluation(record);
    reporter.runEnd(record);
    // Each redraw starts at column 1 (ESC [1G); the other escape sequences move nothing.
    const escape = String.fromCharCode(27);
    const text = written
      .join('')
      .split(`${escape}[1G`)
      .join('\n')
      .replace(new RegExp(`${escape}(\\[[0-9;?]*[A-Za-z]|[78])`, 'g'), '');
    const lines = text.split(/[\r\n]+/).filter((l) => l.trim() !== '');
    expect(lines.some((l) => l.startsWith('17/24 b-kfac-c s12'))).toBe(true);
    expect(text).toContain('error 272.04');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('hold a notice (the Ctrl-C message) until the bar has stopped, so it is not overprinted', () => {
    const written: string[] = [];
    const errors: string[] = [];
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    stream.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    const err = new PassThrough();
    err.on('data', (chunk: Buffer) => errors.push(`${written.length}:${chunk.toString()}`));
    const reporter = createReporter('bars', stream, TASKS.classification, err);
    const record = newRecord('sgd', 1, [0.9]);
    reporter.runStart(record, 10, null, { index: 1, count: 1 });
    reporter.notice('SIGINT: stopping');
    expect(errors).toEqual([]);
    reporter.runEnd(record);
    // Written after the bar's last output (its '→' line), not while it is drawn.
    expect(errors).toEqual([`${written.length}:SIGINT: stopping\n`]);
    expect(written[written.length - 1]).toMatch(/→/);
    reporter.notice('later');
    expect(errors[1]).toMatch(/later/);
  });
});

describe('bkfac train options', () => {
  it('defaults exercise Brand-updated factors and include sgd, adam, kfac and a B-variant', () => {
    const r = parseCommandLine([]);
    if (r.kind !== 'train') throw new Error('expected a training request');
    const { config } = r;
    expect(config.optimizers).toEqual(expect.arrayContaining(['sgd', 'adam', 'kfac', 'b-kfac']));
    expect(config.rank + config.batchSize).toBeLessThan(Math.min(...config.hidden));
  });

  it('the mnist-mlp preset is the fixed protocol, and explicit options override it', () => {
    const r = parseCommandLine(['--preset', 'mnist-mlp', '--epochs', '1', '--seed', '7']);
    if (r.kind !== 'train') throw new Error('expected a training request');
    expect(r.config).toMatchObject({
      preset: 'mnist-mlp',
      hidden: [512, 512],
      batchSize: 128,
      targets: [0.97, 0.98],
      trainLimit: null,
      epochs: 1,
      seeds: [7],
      evalEvery: 0.25,
      timeLimit: null,
    });
  });

  it('the mnist-autoencoder preset: mirrored encoder widths, reconstruction-error targets hardest last', () => {
    const r = parseCommandLine(['--preset', 'mnist-autoencoder', '--target', '5,9,7']);
    if (r.kind !== 'train') throw new Error('expected a training request');
    expect(r.config).toMatchObject({
      preset: 'mnist-autoencoder',
      task: 'autoencoder',
      hidden: [1000, 500, 250, 30],
      batchSize: 128,
      fisher: 'true',
      targets: [9, 7, 5],
    });
    expect(() => parseCommandLine(['--preset', 'mnist-autoencoder', '--target', '-2'])).toThrow(
      /--target.*positive number/,
    );
  });

  it('--set changes hyper-parameters per optimizer, and the report describes the values in use', () => {
    const r = parseCommandLine([
      '--optimizers',
      'sgd,b-kfac',
      '--set',
      'sgd.lr=0.01,sgd.momentum=0.5,b-kfac.damping=0.03,b-kfac.brand=40,b-kfac.lr=0.2',
    ]);
    if (r.kind !== 'train') throw new Error('expected a training request');
    expect(r.config.overrides).toEqual({
      sgd: { lr: 0.01, momentum: 0.5 },
      'b-kfac': { damping: 0.03, brand: 40, lr: 0.2 },
    });
    expect(describeOptimizer('sgd', r.config)).toBe('SGD, lr 0.01, momentum 0.5');
    expect(describeOptimizer('b-kfac', r.config)).toMatch(/^lr 0\.2, λ 0\.03, .*T_brand 40/);
    // Without --set, the task's settings.
    const plain = parseCommandLine(['--optimizers', 'sgd,b-kfac']);
    if (plain.kind !== 'train') throw new Error('expected a training request');
    expect(describeOptimizer('b-kfac', plain.config)).toMatch(
      /^lr exp\(0\.3.*reference damping schedule.*T_brand 100/,
    );
  });

  it.each([
    ['sgd.lr=-1', /sgd.*learningRate/],
    ['b-kfac.update=7', /periods\.brand.*multiple of periods\.update/],
    ['b-kfac.brand=3.5', /whole number of steps/],
    ['adam.momentum=0.9', /a key of adam: lr/],
    ['kfac.lr=0.1', /an optimizer of this experiment/],
    ['sgd.lr=1,sgd.lr=2', /sgd\.lr once/],
    ['sgd.lr', /<optimizer>\.<key>=<number>/],
  ])('--set %s is a typed error naming --set', (value, message) => {
    const argv = ['--optimizers', 'sgd,adam,b-kfac', '--set', value];
    expect(() => parseCommandLine(argv)).toThrow(InvalidArgumentError);
    expect(() => parseCommandLine(argv)).toThrow(/'--set'/);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  it('parses lists, limits and flags', () => {
    const r = parseCommandLine([
      '--optimizers',
      'sgd,b-kfac-c',
      '--hidden',
      '64,32',
      '--target',
      '0.98,0.9',
      '--train-limit',
      'all',
      '--time-limit',
      '0',
      '--fisher',
      'true',
      '--no-inversion-error',
      '--quiet',
      '--out',
      'x',
    ]);
    expect(r).toMatchObject({
      kind: 'train',
      out: 'x',
      quiet: true,
      config: {
        optimizers: ['sgd', 'b-kfac-c'],
        hidden: [64, 32],
        targets: [0.9, 0.98],
        trainLimit: null,
        timeLimit: null,
        fisher: 'true',
        inversionError: false,
      },
    });
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['train', '--epochs', '2'])).toMatchObject({
      kind: 'train',
      config: { epochs: 2 },
    });
    expect(parseCommandLine(['--resume', 'a/checkpoint.bkfac'])).toEqual({
      kind: 'resume',
      checkpoint: 'a/checkpoint.bkfac',
      out: null,
      quiet: false,
    });
  });

  it.each([
    [['--bogus']],
    [['--optimizers', 'sgd,lbfgs']],
    [['--optimizers', 'sgd,sgd']],
    [['--epochs', '0']],
    [['--epochs', '1.5']],
    [['--hidden', '64,,32']],
    [['--target', '1.2']],
    [['--fisher', 'exact']],
    [['--preset', 'cifar']],
    [['--time-limit', '-1']],
    [['--train-limit', 'some']],
    [['--train-limit', '70000']],
    [['--test-limit', '10001']],
    [['--batch-size', '1000', '--train-limit', '64']],
    [['--eval-every', '0']],
    [['positional']],
  ])('rejects %j with a typed error', (argv) => {
    expect(() => parseCommandLine(argv)).toThrow(InvalidArgumentError);
    expect(() => parseCommandLine(argv)).toThrow(/bkfac train: argument/);
  });

  it.each([
    ['--batch-size', '-1', "'--batch-size' must be an integer >= 1"],
    ['--rank', '-5', "'--rank' must be an integer >= 1"],
    ['--time-limit', '-1.5', "'--time-limit'"],
  ])('a negative value of %s names the option and the value (not "ambiguous")', (flag, v, m) => {
    expect(() => parseCommandLine([flag, v])).toThrow(m);
    expect(() => parseCommandLine([flag, v])).toThrow(`received "${v}"`);
  });

  it('--help and a usage error through the subprocess', () => {
    const help = spawnSync(command[0], [...command[1], '--help'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run train -- \[options\]\n/);
    expect(help.stdout).toMatch(/--optimizers <list>/);
    const bin = spawnSync(command[0], [...command[1], 'train', '--help'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    expect(bin.stdout).toMatch(/^Usage: bkfac train \[options\]\n/);
    const bad = spawnSync(command[0], [...command[1], '--epochs', 'x'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--epochs/);
    expect(bad.stderr).toContain('Run `npm run train -- --help` for the options.');
  }, 60_000);
});
