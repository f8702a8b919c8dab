/**
 * Which kernels run, and on how many threads.
 *
 * Two kernel paths compute every product: scalar TypeScript (`'js'`, the
 * reference, runs everywhere) and WebAssembly SIMD (`'wasm'`, f64x2, several
 * times faster). By default the Wasm path is used wherever it compiles and
 * the scalar one elsewhere, e.g. under a Content-Security-Policy without
 * `'wasm-unsafe-eval'`. `BKFAC_KERNELS=js|wasm|auto` and `BKFAC_THREADS=n` in
 * the environment set the starting choice (read once, at first use);
 * {@link setKernels} and {@link setThreads} change it at run time.
 * @module
 */
import { ComputeEngineError, InvalidArgumentError } from '../core/errors.js';
import { compileKernels, MAX_THREADS, WasmEngine } from '../wasm/engine.js';
import { nodeWorkerConstructor } from '../wasm/node-workers.js';
import type { WasmModule } from '../wasm/wasm-api.js';

/**
 * A kernel path: scalar TypeScript or WebAssembly SIMD.
 * @category Compute engine
 */
export type KernelPath = 'js' | 'wasm';

/**
 * What {@link setKernels} accepts: a path, or `'auto'` (Wasm where it compiles).
 * @category Compute engine
 */
export type KernelChoice = KernelPath | 'auto';

/**
 * The compute engine's current configuration, from {@link computeInfo}.
 * @category Compute engine
 */
export interface ComputeInfo {
  /** The kernel path in use. */
  kernels: KernelPath;
  /** Threads a large product is split over (1 on the scalar path). */
  threads: number;
  /** Why the Wasm path is unavailable here, or `null` if it is available. */
  wasmUnavailable: string | null;
  /** Most threads {@link setThreads} accepts in this runtime (1 where workers do not exist). */
  maxThreads: number;
}

let path: KernelPath | undefined;
let requestedThreads = 1;
let engine: WasmEngine | null = null;
/** The compiled modules (or why they do not compile), per memory kind. */
const compiled = new Map<boolean, WasmModule | string>();

function environment(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name]?.trim();
  return value === '' ? undefined : value;
}

function sharedMemoryPossible(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && nodeWorkerConstructor() !== undefined;
}

function moduleFor(shared: boolean): WasmModule | string {
  let m = compiled.get(shared);
  if (m === undefined) {
    m = compileKernels(shared);
    compiled.set(shared, m);
  }
  return m;
}

function wasmReason(): string | null {
  const m = moduleFor(false);
  return typeof m === 'string' ? m : null;
}

function maxThreads(): number {
  return sharedMemoryPossible() && typeof moduleFor(true) !== 'string' ? MAX_THREADS : 1;
}

/** Reads BKFAC_KERNELS and BKFAC_THREADS on first use. */
function initialise(): KernelPath {
  if (path !== undefined) return path;
  const kernels = environment('BKFAC_KERNELS') ?? 'auto';
  assertKernelChoice('BKFAC_KERNELS', 'value', kernels);
  const threadText = environment('BKFAC_THREADS');
  const threads = threadText === undefined ? 1 : Number(threadText);
  assertThreadCount('BKFAC_THREADS', 'value', threads, threadText);
  applyKernels('BKFAC_KERNELS', kernels);
  if (threads > 1) applyThreads('BKFAC_THREADS', threads);
  return path!;
}

function assertKernelChoice(
  fn: string,
  arg: string,
  choice: unknown,
): asserts choice is KernelChoice {
  if (choice !== 'js' && choice !== 'wasm' && choice !== 'auto') {
    throw new InvalidArgumentError(fn, arg, "'js', 'wasm' or 'auto'", choice);
  }
}

/** `shown` is what the user gave (the text of an environment variable), when not `threads` itself. */
function assertThreadCount(
  fn: string,
  arg: string,
  threads: number,
  shown: unknown = threads,
): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new InvalidArgumentError(fn, arg, `an integer from 1 to ${MAX_THREADS}`, shown);
  }
}

function applyKernels(fn: string, choice: KernelChoice): void {
  const reason = wasmReason();
  if (choice === 'wasm' && reason !== null) throw new ComputeEngineError(fn, reason);
  path = choice === 'js' || reason !== null ? 'js' : 'wasm';
}

function applyThreads(fn: string, threads: number): void {
  if (threads > maxThreads()) {
    throw new ComputeEngineError(
      fn,
      `${threads} threads need Node worker_threads, SharedArrayBuffer and WebAssembly; this runtime allows ${maxThreads()}`,
    );
  }
  if (threads > 1 && !(engine?.shared ?? false)) {
    engine = new WasmEngine(moduleFor(true) as WasmModule, true);
  }
  engine?.resize(fn, threads);
  requestedThreads = threads;
}

/**
 * Chooses the kernel path: `'js'` (scalar TypeScript), `'wasm'` (WebAssembly SIMD) or
 * `'auto'` (Wasm where it compiles, else scalar).
 *
 * @param choice - `'js'`, `'wasm'` or `'auto'`
 * @returns the path now in use
 * @throws {@link InvalidArgumentError} if `choice` is none of the three
 * @throws {@link ComputeEngineError} if `'wasm'` is asked for where it cannot run
 * @example
 * ```ts
 * import { fromRows, gemm, setKernels, toRows } from '@bkfac/linalg';
 * const before = setKernels('auto');
 * setKernels('js');
 * console.log(toRows(gemm(fromRows([[1, 2]]), fromRows([[3], [4]])))); // [[11]]
 * setKernels(before);
 * ```
 * @category Compute engine
 */
export function setKernels(choice: KernelChoice): KernelPath {
  assertKernelChoice('setKernels', 'choice', choice);
  initialise();
  applyKernels('setKernels', choice);
  return path!;
}

/**
 * Sets how many threads large products are split over (the calling thread plus
 * `threads - 1` worker threads, started now and reused). Results are bitwise
 * identical for every thread count: each thread computes whole output entries.
 * Threads apply to the Wasm path; the scalar path always runs on one thread.
 *
 * Worker threads exist in Node only (a browser page runs on one thread). They do
 * not keep a process alive: no shutdown call is needed.
 *
 * @param threads - an integer from 1 to {@link ComputeInfo.maxThreads}
 * @returns the thread count now in use
 * @throws {@link InvalidArgumentError} if `threads` is not an integer from 1 to 64
 * @throws {@link ComputeEngineError} if this runtime cannot run that many, or a worker fails to start
 * @example
 * ```ts
 * import { computeInfo, setThreads } from '@bkfac/linalg';
 * setThreads(1);
 * console.log(computeInfo().threads); // 1
 * ```
 * @category Compute engine
 */
export function setThreads(threads: number): number {
  assertThreadCount('setThreads', 'threads', threads);
  initialise();
  applyThreads('setThreads', threads);
  return requestedThreads;
}

/**
 * The compute engine's configuration: kernel path, threads, and what this runtime allows.
 *
 * @returns a fresh {@link ComputeInfo}
 * @throws {@link InvalidArgumentError} if `BKFAC_KERNELS` or `BKFAC_THREADS` holds an invalid value
 * @example
 * ```ts
 * import { computeInfo } from '@bkfac/linalg';
 * const info = computeInfo();
 * console.log(info.kernels === 'wasm' || info.wasmUnavailable !== null); // true
 * ```
 * @category Compute engine
 */
export function computeInfo(): ComputeInfo {
  const kernels = initialise();
  return {
    kernels,
    threads: kernels === 'wasm' ? threadCount() : 1,
    wasmUnavailable: wasmReason(),
    maxThreads: maxThreads(),
  };
}

/** Threads a product can use now (fewer than requested after a worker failure). */
function threadCount(): number {
  return Math.min(requestedThreads, engine?.threads ?? 1);
}

/**
 * The engine for the Wasm path, or `null` when the scalar path is in use.
 * @internal
 */
export function activeEngine(): WasmEngine | null {
  if (initialise() === 'js') return null;
  engine ??= new WasmEngine(moduleFor(false) as WasmModule, false);
  return engine;
}

/**
 * Threads the Wasm path may split a product over.
 * @internal
 */
export function activeThreads(): number {
  return threadCount();
}
