/**
 * Minimal benchmark harness: repeated timed samples with warm-up, robust
 * statistics, machine information and markdown/JSON result files.
 *
 * Every figure a suite publishes is a ratio against a baseline measured in
 * the same process and run, so machine noise affects both sides alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** Summary of the samples of one measured function, in milliseconds. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Inter-quartile range relative to the median (spread). */
  readonly relIqr: number;
  readonly samples: number;
}

export interface MeasureOptions {
  /** Keep sampling until this much time was spent (default 1000 ms). */
  minTimeMs?: number;
  /** At least this many samples (default 5). */
  minSamples?: number;
  /** At most this many samples (default 200). */
  maxSamples?: number;
  /** Untimed warm-up calls (default 1). */
  warmup?: number;
}

/** Times `fn` repeatedly; `setup` (untimed) runs before every sample. */
export function measure(
  fn: () => unknown,
  options: MeasureOptions = {},
  setup?: () => void,
): Stats {
  const { minTimeMs = 1000, minSamples = 5, maxSamples = 200, warmup = 1 } = options;
  for (let i = 0; i < warmup; i++) {
    setup?.();
    fn();
  }
  const times: number[] = [];
  let spent = 0;
  while ((spent < minTimeMs || times.length < minSamples) && times.length < maxSamples) {
    setup?.();
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
  }
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  const median = q(0.5);
  return {
    median,
    min: times[0]!,
    max: times[times.length - 1]!,
    relIqr: median > 0 ? (q(0.75) - q(0.25)) / median : 0,
    samples: times.length,
  };
}

/** Least-squares slope of log(y) against log(x): 1 means linear growth. */
export function logLogSlope(points: readonly (readonly [number, number])[]): number {
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const num = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i]! - my), 0);
  return num / xs.reduce((acc, x) => acc + (x - mx) ** 2, 0);
}

/** `12.3 ms ±4%` style rendering of a {@link Stats}. */
export function formatStats(s: Stats): string {
  return `${formatMs(s.median)} ±${(s.relIqr * 50).toFixed(0)}%`;
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

export function formatRatio(x: number): string {
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly notes?: readonly string[];
}

export function renderTable(t: Table): string {
  const lines = [
    `## ${t.title}`,
    '',
    `| ${t.columns.join(' | ')} |`,
    `|${t.columns.map(() => '---').join('|')}|`,
  ];
  for (const r of t.rows) lines.push(`| ${r.join(' | ')} |`);
  if (t.notes && t.notes.length > 0) lines.push('', ...t.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

/**
 * Writes `bench/results/<name>.md` (tables + machine info + command) and
 * `bench/results/<name>.json` (the raw data) and prints the markdown.
 */
export function writeResults(
  name: string,
  heading: string,
  command: string,
  tables: readonly Table[],
  data: unknown,
): void {
  const machine = machineInfo();
  const md = [
    `# ${heading}`,
    '',
    `Produced by \`${command}\` on ${machine.date.slice(0, 10)}.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}.`,
    '',
    ...tables.map(renderTable).flatMap((t) => [t, '']),
  ].join('\n');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${name}.md`), md);
  writeFileSync(
    join(resultsDir, `${name}.json`),
    JSON.stringify({ machine, data }, null, 2) + '\n',
  );
  process.stdout.write(md + '\n');
}

/**
 * Runs a Python snippet with numpy if available, returning its stdout, or
 * `null` when python3/numpy is absent (numpy figures are optional context).
 * OpenBLAS is pinned to one thread so the comparison is single-threaded.
 */
export function runNumpy(script: string): string | null {
  try {
    return execFileSync('python3', ['-c', script], {
      encoding: 'utf8',
      env: {
        ...process.env,
        OPENBLAS_NUM_THREADS: '1',
        OMP_NUM_THREADS: '1',
        MKL_NUM_THREADS: '1',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 600_000,
    });
  } catch {
    return null;
  }
}
