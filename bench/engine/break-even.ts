/**
 * Where two threads start to pay for GEMM: the Wasm kernel called with the
 * thread count forced (the public `gemm` keeps small products on one thread),
 * 1 and 2 threads interleaved. The crossover sets `PARALLEL_MIN_PRODUCT`.
 */
import { createRng, gaussianMatrix, setKernels, setThreads, zeros } from '@bkfac/linalg';
import { gemmWasm } from '../../packages/linalg/dist/blas/gemm-wasm.js';
import { activeEngine } from '../../packages/linalg/dist/compute/config.js';
import { measure, type Table } from '../harness.js';
import { middle, ratioWithRange } from './paths.js';

const SIZES = [32, 48, 64, 80, 96, 128, 192, 256];
const ROUNDS = 7;

const idleWord = new Int32Array(new SharedArrayBuffer(4));
/** Sleeps 20 ms, long enough for the worker to stop polling (after ~5 ms) and sleep. */
function pause(): void {
  Atomics.wait(idleWord, 0, 0, 20);
}

export function breakEvenTable(): Table {
  setKernels('wasm');
  setThreads(2);
  const engine = activeEngine()!;
  const rows = SIZES.map((n) => {
    const a = gaussianMatrix(n, n, createRng(n), 'row');
    const b = gaussianMatrix(n, n, createRng(n + 1), 'row');
    const c = zeros(n, n);
    const time = (threads: number, idle: boolean): number =>
      measure(
        () => gemmWasm('gemm', engine, threads, false, false, 1, a, b, c, 0),
        { minTimeMs: 100, minSamples: 5 },
        idle ? pause : undefined,
      ).median;
    const one: number[] = [];
    const two: number[] = [];
    const oneIdle: number[] = [];
    const twoIdle: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      one.push(time(1, false));
      two.push(time(2, false));
      oneIdle.push(time(1, true));
      twoIdle.push(time(2, true));
    }
    return [
      `${n}x${n}`,
      `${(1000 * middle(one)).toFixed(1)} µs`,
      `${(1000 * middle(two)).toFixed(1)} µs`,
      ratioWithRange(one.map((t, i) => t / two[i]!)),
      `${(1000 * middle(oneIdle)).toFixed(1)} µs`,
      `${(1000 * middle(twoIdle)).toFixed(1)} µs`,
      ratioWithRange(oneIdle.map((t, i) => t / twoIdle[i]!)),
    ];
  });
  setThreads(1);
  return {
    title: 'Two-thread break-even of the Wasm GEMM (thread count forced)',
    columns: [
      'size',
      '1 thread, back to back',
      '2 threads, back to back',
      'speed-up',
      '1 thread, after 20 ms idle',
      '2 threads, after 20 ms idle',
      'speed-up',
    ],
    rows,
    notes: [
      `median of ${ROUNDS} interleaved rounds (each the median of ≥ 5 calls); staging and copy-back included, validation not`,
      'back to back: the worker is still polling for work when the next call comes; after 20 ms idle it sleeps and must be woken (why `gemm` runs products below 1024³ on the calling thread while a worker wakes)',
    ],
  };
}
