/**
 * Times one workload on each kernel path (scalar JS, Wasm on 1 thread, Wasm
 * on 2 threads) in interleaved rounds, so a change of machine load hits every
 * path alike; ratios are formed within a round and summarised over rounds.
 */
import { setKernels, setThreads } from '@bkfac/linalg';
import { measure, type MeasureOptions } from '../harness.js';

export const PATHS = ['js', 'wasm×1', 'wasm×2'] as const;
export type PathName = (typeof PATHS)[number];

export function usePath(path: PathName): void {
  setKernels(path === 'js' ? 'js' : 'wasm');
  setThreads(path === 'wasm×2' ? 2 : 1);
}

/** Median over rounds of each path's per-round median time (ms), and per-round ratios. */
export interface PathTimes {
  readonly median: Record<PathName, number>;
  /** Per round: time(js) / time(path) and time(wasm×1) / time(wasm×2). */
  readonly speedups: { readonly vsJs: Record<PathName, number[]>; readonly twoThreads: number[] };
}

const middle = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1
    ? s[(s.length - 1) / 2]!
    : 0.5 * (s[s.length / 2 - 1]! + s[s.length / 2]!);
};

export function comparePaths(
  work: () => unknown,
  rounds: number,
  sampling: MeasureOptions,
): PathTimes {
  const times: Record<PathName, number[]> = { js: [], 'wasm×1': [], 'wasm×2': [] };
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so neither path always runs first after a pause.
    const order = r % 2 === 0 ? PATHS : [...PATHS].reverse();
    for (const path of order) {
      usePath(path);
      times[path].push(measure(work, sampling).median);
    }
  }
  usePath('wasm×1');
  const perRound = (f: (i: number) => number): number[] => times.js.map((_, i) => f(i));
  return {
    median: {
      js: middle(times.js),
      'wasm×1': middle(times['wasm×1']),
      'wasm×2': middle(times['wasm×2']),
    },
    speedups: {
      vsJs: {
        js: perRound(() => 1),
        'wasm×1': perRound((i) => times.js[i]! / times['wasm×1'][i]!),
        'wasm×2': perRound((i) => times.js[i]! / times['wasm×2'][i]!),
      },
      twoThreads: perRound((i) => times['wasm×1'][i]! / times['wasm×2'][i]!),
    },
  };
}

/** `3.9x (3.7-4.1)`: median ratio and its range over rounds. */
export function ratioWithRange(ratios: readonly number[]): string {
  const lo = Math.min(...ratios);
  const hi = Math.max(...ratios);
  return `${middle(ratios).toFixed(2)}x (${lo.toFixed(2)}-${hi.toFixed(2)})`;
}

export { middle };
