import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError } from '@bkfac/nn';
import { InvalidArgumentError } from '@bkfac/linalg';
import { parseCommandLine } from '../src/args';
import { mergeResults } from '../src/merge';

// Two tiny experiments that differ only in their seed, as two processes (one per core) would
// produce them, then merged into one report.
const root = join(__dirname, '..', '..', '..');
const main = join(root, 'packages', 'train', 'src', 'main.ts');
const env = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.test.json') };
// prettier-ignore
const tiny = ['--hidden', '48', '--batch-size', '16', '--rank', '4', '--train-limit', '128', '--test-limit', '64', '--target', '0.99', '--epochs', '1', '--optimizers', 'sgd,b-kfac', '--quiet'];

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
}

let dir = '';
const resultsOf = (name: string): string => join(dir, name, 'results.json');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bkfac-merge-'));
  for (const seed of ['1', '2']) {
    expect(cli([...tiny, '--seed', seed, '--out', join(dir, `s${seed}`)]).status).toBe(0);
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bkfac train --merge', () => {
  it('writes one report, results.json and plots covering every seed of its inputs', () => {
    const out = join(dir, 'merged');
    const r = cli(['--merge', `${resultsOf('s1')},${resultsOf('s2')}`, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('optimizer  '));
    expect(lines.slice(header + 2, header + 4).map((l) => l.trim().split(/\s+/)[0])).toEqual([
      'sgd',
      'b-kfac',
    ]);
    // the `runs` column counts both seeds
    expect(lines.slice(header + 2, header + 4).map((l) => l.trim().split(/\s+/)[1])).toEqual([
      '2',
      '2',
    ]);
    const merged = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      config: { seeds: number[] };
      runs: { optimizer: string; seed: number }[];
      sources: { file: string; command: string }[];
    };
    expect(merged.config.seeds).toEqual([1, 2]);
    expect(merged.runs.map((x) => `${x.optimizer}/${x.seed}`)).toEqual([
      'sgd/1',
      'b-kfac/1',
      'sgd/2',
      'b-kfac/2',
    ]);
    expect(merged.sources.map((s) => s.file)).toEqual([resultsOf('s1'), resultsOf('s2')]);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('Merged by `npm run train -- --merge');
    for (const s of merged.sources) expect(report).toContain(`- \`${s.command}\``);
    expect(report).toContain('- Seeds: 1, 2.');
    // the claims section judges the B variant against sgd (no kfac run in this experiment)
    expect(report).toContain('## The B-KFAC claims on this experiment');
    expect(report).toMatch(/^\| b-kfac \| — \(no kfac run\) \| (yes|no): \d+\.\d\dx \| /m);
    for (const svg of ['accuracy-vs-time.svg', 'loss-vs-step.svg', 'inversion-error.svg']) {
      expect(existsSync(join(out, svg))).toBe(true);
    }
  });

  it('refuses to count a seed twice, and exits 1 with the reason', () => {
    const r = cli(['--merge', `${resultsOf('s1')},${resultsOf('s1')}`, '--out', join(dir, 'x')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--merge.*distinct seeds.*seed 1 twice/);
  });

  it('rejects experiments whose protocols differ in anything but the seed', () => {
    const other = JSON.parse(readFileSync(resultsOf('s2'), 'utf8')) as {
      config: { epochs: number };
    };
    other.config.epochs = 2;
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify(other));
    expect(() => mergeResults([resultsOf('s1'), file])).toThrow(InvalidArgumentError);
    expect(() => mergeResults([resultsOf('s1'), file])).toThrow(/differ only in --seed/);
  });

  it('rejects interrupted experiments and files that are not results.json', () => {
    const partial = JSON.parse(readFileSync(resultsOf('s2'), 'utf8')) as { interrupted: boolean };
    partial.interrupted = true;
    const interrupted = join(dir, 'interrupted.json');
    writeFileSync(interrupted, JSON.stringify(partial));
    expect(() => mergeResults([interrupted])).toThrow(/interrupted; finish it with --resume/);
    const notJson = join(dir, 'report.txt');
    writeFileSync(notJson, 'not json');
    expect(() => mergeResults([notJson])).toThrow(DataFormatError);
    const wrongShape = join(dir, 'wrong.json');
    writeFileSync(wrongShape, JSON.stringify({ runs: [] }));
    expect(() => mergeResults([wrongShape])).toThrow(/expected the results\.json of bkfac train/);
    expect(() => mergeResults([join(dir, 'missing.json')])).toThrow(DataFormatError);
  });

  it('needs --out, and takes a comma-separated list', () => {
    expect(() => parseCommandLine(['--merge', 'a.json'])).toThrow(/--out/);
    expect(parseCommandLine(['--merge', 'a.json,b.json', '--out', 'm'])).toEqual({
      kind: 'merge',
      files: ['a.json', 'b.json'],
      out: 'm',
    });
  });
});
