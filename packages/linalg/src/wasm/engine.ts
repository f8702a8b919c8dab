/**
 * The WebAssembly compute engine: the compiled GEMM module, the memory it
 * works in and, for more than one thread, worker threads that run the same
 * module on the same (shared) memory.
 *
 * Memory layout: the first 64 KiB hold one control block per worker; then one
 * packing area ({@link PACK_BYTES}) per thread; then the staged operands of
 * the current call. Memory only grows, to the largest call seen, and is reused.
 *
 * A call is split into one task per thread; task 0 runs on the calling
 * thread, task t on worker t. The caller waits with `Atomics.wait` (allowed on
 * Node's main thread, not on a browser's), so the pool exists only in Node.
 * @module
 */
import { ComputeEngineError } from '../core/errors.js';
import { encodeModule } from './binary.js';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm-api.js';
import { gemmFunctions, PACK_BYTES } from './gemm-kernel.js';
import { nodeWorkerConstructor } from './node-workers.js';
import { symvLower } from './symv-kernel.js';
import { gemvAccumulate, gemvTransposed } from './gemv-kernel.js';
import { finiteProbe } from './finite-kernel.js';
import type { WorkerThread } from './node-workers.js';

const PAGE = 65536;
/** Bytes of the control area: one {@link SLOT_BYTES} block per worker. */
const CONTROL_BYTES = PAGE;
const SLOT_BYTES = 128;
const SLOT_INTS = SLOT_BYTES / 4;
/** Most threads a pool can have (control blocks that fit in the control area). */
export const MAX_THREADS = 64;
/** 2 GiB: every byte address then fits an i32 without sign trouble. */
const MAXIMUM_PAGES = 32768;

// Control block words (Int32 indices within a slot).
const REQUEST = 0;
const DONE = 1;
const STATUS = 2;
const READY = 3;
const ARGS = 4;
/** 1 while the worker polls or works, 0 while it sleeps (args use words 4-17). */
const AWAKE = 18;
/** Float64 index of alpha within a slot (byte 96). */
const ALPHA = 12;
const STATUS_FAILED = 1;
const STATUS_EXITED = 2;
/**
 * Polls of a control word before sleeping on it (about 5 ms; a poll takes
 * ~4.5 ns). Waking a sleeping thread costs 0.2-8 ms on a virtual machine, more
 * than a mid-sized product; polling this long lets the products of a training
 * step or a decomposition, and a caller waiting for a worker, hand over
 * without it. A worker woken by {@link WasmEngine.workersAwake} polls as long.
 */
const SPIN = 1_000_000;
/** How long a new worker may take to start before the pool gives up (ms). */
const START_TIMEOUT = 10_000;

/**
 * The inline script of a worker: instantiate the module on the shared memory,
 * then run one task per request. Its control block is its only channel.
 */
const WORKER_SCRIPT = `
const { workerData } = require('node:worker_threads');
const { module, memory, slot } = workerData;
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, slot * ${SLOT_BYTES}, ${SLOT_INTS});
const f64 = new Float64Array(memory.buffer, slot * ${SLOT_BYTES}, ${SLOT_INTS / 2});
process.on('exit', () => {
  Atomics.store(ctl, ${STATUS}, ${STATUS_EXITED});
  Atomics.store(ctl, ${DONE}, -1);
  Atomics.notify(ctl, ${DONE});
});
Atomics.store(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
let seen = 0;
Atomics.store(ctl, ${AWAKE}, 1);
for (;;) {
  for (let i = 0; i < ${SPIN} && Atomics.load(ctl, ${REQUEST}) === seen; i++);
  if (Atomics.load(ctl, ${REQUEST}) === seen) {
    Atomics.store(ctl, ${AWAKE}, 0);
    Atomics.wait(ctl, ${REQUEST}, seen);
    Atomics.store(ctl, ${AWAKE}, 1);
    // Woken without a request: a wake-up call, so poll again.
    if (Atomics.load(ctl, ${REQUEST}) === seen) continue;
  }
  seen = Atomics.load(ctl, ${REQUEST});
  if (seen < 0) break;
  let status = 0;
  try {
    if (ctl[${ARGS + 13}] === 1) throw new Error('injected fault');
    if (ctl[${ARGS + 13}] === 2) process.exit(3);
    gemm(ctl[${ARGS}], ctl[${ARGS + 1}], f64[${ALPHA}], ctl[${ARGS + 2}], ctl[${ARGS + 3}],
      ctl[${ARGS + 4}], ctl[${ARGS + 5}], ctl[${ARGS + 6}], ctl[${ARGS + 7}], ctl[${ARGS + 8}],
      ctl[${ARGS + 9}], ctl[${ARGS + 10}], ctl[${ARGS + 11}], ctl[${ARGS + 12}]);
  } catch {
    status = ${STATUS_FAILED};
  }
  Atomics.store(ctl, ${STATUS}, status);
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

/**
 * One thread's share of a product: columns `j0 ≤ j < j1` of `m` rows, with the
 * byte addresses and element strides of the staged operands (see the `gemm`
 * export of the kernel module).
 * @internal
 */
export interface GemmTask {
  m: number;
  k: number;
  alpha: number;
  a: number;
  ai: number;
  ap: number;
  b: number;
  bp: number;
  bj: number;
  c: number;
  ldc: number;
  j0: number;
  j1: number;
}

type SymvExport = (m: number, a: number, lda: number, x: number, y: number) => void;
type GemvExport = (
  rows: number,
  cols: number,
  a: number,
  lda: number,
  x: number,
  y: number,
) => void;
type GemvAlphaExport = (
  rows: number,
  cols: number,
  alpha: number,
  a: number,
  lda: number,
  x: number,
  y: number,
) => void;

type GemmExport = (
  m: number,
  k: number,
  alpha: number,
  a: number,
  ai: number,
  ap: number,
  b: number,
  bp: number,
  bj: number,
  c: number,
  ldc: number,
  j0: number,
  j1: number,
  work: number,
) => void;

/** Whether a worker's DONE word reports request `seq` finished (or the worker gone). */
function finished(done: number, seq: number): boolean {
  return done === seq || done === -1;
}

/** Test hook: make worker 1's next task throw (1) or end its thread (2). */
let injectedFault = 0;

/** @internal */
export function injectWorkerFault(kind: 0 | 1 | 2): void {
  injectedFault = kind;
}

/**
 * Compiles the kernel module, or returns the reason it cannot run here
 * (no WebAssembly, no SIMD, or a CSP without `'wasm-unsafe-eval'`).
 * @internal
 */
export function compileKernels(shared: boolean): WasmModule | string {
  const api = wasmApi();
  if (api === undefined) return 'WebAssembly is not available in this runtime';
  const bytes = encodeModule({ initialPages: 1, maximumPages: MAXIMUM_PAGES, shared }, [
    ...gemmFunctions(),
    symvLower(),
    gemvTransposed(),
    gemvAccumulate(),
    finiteProbe(),
  ]);
  try {
    return new api.Module(bytes);
  } catch (e) {
    return `WebAssembly SIMD kernels cannot be compiled here (${(e as Error).message})`;
  }
}

/** @internal */
export class WasmEngine {
  private doublesView: Float64Array;
  private readonly gemmExport: GemmExport;
  /**
   * `symvLower(m, a, lda, x, y)`: `y = A·x` for the symmetric `A` whose lower
   * triangle is column-major at byte `a`; all operands in this memory (byte
   * addresses), on the calling thread.
   */
  readonly symvLower: SymvExport;
  /** `gemvT(rows, cols, a, lda, x, y)`: `y = Aᵀ·x`, `A` column-major at byte `a`. */
  readonly gemvT: GemvExport;
  /** `gemvN(rows, cols, alpha, a, lda, x, y)`: `y += A·(alpha·x)`, `A` column-major at byte `a`. */
  readonly gemvN: GemvAlphaExport;
  /** `finiteProbe(x, count)`: zero exactly when the `count` doubles at byte `x` are all finite. */
  readonly finiteProbe: (x: number, count: number) => number;
  private readonly workers: WorkerThread[] = [];
  /** Per worker: its control block and the same bytes as doubles (views made once). */
  private readonly controls: Int32Array[] = [];
  private readonly alphas: Float64Array[] = [];
  private sequence = 0;

  /**
   * @param module - the compiled kernels, from {@link compileKernels}
   * @param shared - whether the memory is shared (required for workers)
   */
  constructor(
    private readonly module: WasmModule,
    readonly shared: boolean,
  ) {
    const api = wasmApi()!;
    this.memory = new api.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared });
    const instance = new api.Instance(module, { env: { memory: this.memory } });
    this.gemmExport = instance.exports['gemm'] as GemmExport;
    this.symvLower = instance.exports['symvLower'] as SymvExport;
    this.gemvT = instance.exports['gemvT'] as GemvExport;
    this.gemvN = instance.exports['gemvN'] as GemvAlphaExport;
    this.finiteProbe = instance.exports['finiteProbe'] as (x: number, count: number) => number;
    this.doublesView = new Float64Array(this.memory.buffer);
  }

  readonly memory: WasmMemory;

  /** Threads a call can use: the calling one plus the workers. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** The whole memory as doubles (valid until the next {@link reserve} or {@link claim}). */
  doubles(): Float64Array {
    return this.doublesView;
  }

  /** Bytes held by {@link claim}s from {@link claimBase} (released last-in first-out). */
  private claimedBytes = 0;
  /** Where the claims start: after the packing areas of the threads at the first claim. */
  private claimBase = 0;

  /** Where staged operands (or the next claim) start: after the packing areas and the claims. */
  private freeStart(): number {
    if (this.claimedBytes > 0) return this.claimBase + this.claimedBytes;
    return CONTROL_BYTES + this.threads * PACK_BYTES;
  }

  /**
   * Makes room for `bytes` of staged operands after the packing areas and
   * any claims, growing the memory if needed.
   * @returns the byte address where the staged operands start (8-aligned), or
   *   `null` if the memory cannot grow that far (past 2 GiB, the system
   *   refuses, or a claim forbids it): the caller then computes on the scalar path
   */
  reserve(bytes: number): number | null {
    const start = this.freeStart();
    return this.ensure(start + bytes) ? start : null;
  }

  /**
   * Claims `bytes` that later {@link reserve}s leave alone until
   * {@link release}: for a decomposition that keeps its matrices here across
   * many products, which then need no staging. While a claim is held an
   * unshared memory does not grow (growing would detach the views of it).
   * @returns the claim's byte address (64-aligned), or `null` if it does not fit
   */
  private claim(bytes: number): number | null {
    const start = Math.ceil(this.freeStart() / 64) * 64;
    if (!this.ensure(start + bytes)) return null;
    if (this.claimedBytes === 0) this.claimBase = start;
    this.claimedBytes = start + bytes - this.claimBase;
    return start;
  }

  /** Releases the claim at `address` and every later one. */
  private release(address: number): void {
    this.claimedBytes = Math.max(0, Math.min(this.claimedBytes, address - this.claimBase));
  }

  /**
   * Runs `use` with one view per entry of `sizes` (that many doubles each) of a
   * claim held for the call and released after it, even if `use` throws.
   * @returns `false`, with `use` not run, if the claim does not fit
   */
  withClaim(sizes: readonly number[], use: (views: Float64Array[]) => void): boolean {
    const base = this.claim(8 * sizes.reduce((total, size) => total + size, 0));
    if (base === null) return false;
    try {
      let at = base / 8;
      const memory = this.doublesView;
      use(sizes.map((size) => memory.subarray(at, (at += size))));
    } finally {
      this.release(base);
    }
    return true;
  }

  /** Whether `x`'s elements live in this engine's memory (then it needs no staging). */
  holds(x: Float64Array): boolean {
    return x.buffer === this.memory.buffer;
  }

  /** Grows the memory to at least `needed` bytes; `false` if it cannot or may not. */
  private ensure(needed: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (needed <= have) return true;
    if (this.claimedBytes > 0 && !this.shared) return false;
    const pages = Math.ceil(needed / PAGE);
    if (pages > MAXIMUM_PAGES) return false;
    try {
      this.memory.grow(pages - have / PAGE);
    } catch {
      return false;
    }
    this.doublesView = new Float64Array(this.memory.buffer);
    return true;
  }

  /**
   * Starts workers until the pool has `threads` threads (stops extra ones).
   * Blocks until every new worker is running.
   * @throws {@link ComputeEngineError} if a worker cannot be started
   */
  resize(fn: string, threads: number): void {
    while (this.threads > threads) {
      const ctl = this.controls.pop()!;
      this.alphas.pop();
      Atomics.store(ctl, REQUEST, -1);
      Atomics.notify(ctl, REQUEST);
      void this.workers.pop()!.terminate();
    }
    if (this.threads === threads) return;
    const Worker = nodeWorkerConstructor();
    if (!this.shared || Worker === undefined) {
      throw new ComputeEngineError(
        fn,
        'worker threads need Node worker_threads and a shared memory',
      );
    }
    while (this.threads < threads) {
      const slot = this.workers.length;
      // Views of a shared memory stay valid when it grows, so they are made once.
      const ctl = new Int32Array(this.memory.buffer, slot * SLOT_BYTES, SLOT_INTS);
      ctl.fill(0);
      const worker = new Worker(WORKER_SCRIPT, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, slot },
      });
      worker.unref();
      if (Atomics.wait(ctl, READY, 0, START_TIMEOUT) === 'timed-out') {
        void worker.terminate();
        throw new ComputeEngineError(
          fn,
          `worker thread ${slot + 1} did not start within ${START_TIMEOUT} ms`,
        );
      }
      this.workers.push(worker);
      this.controls.push(ctl);
      this.alphas.push(new Float64Array(this.memory.buffer, slot * SLOT_BYTES, SLOT_INTS / 2));
    }
  }

  /**
   * Whether workers 1 .. `count - 1` are awake (polling for work, so a task
   * starts within microseconds). Wakes any that sleep, for a later call, and
   * then answers `false`.
   */
  workersAwake(count: number): boolean {
    let awake = true;
    for (let t = 1; t < count; t++) {
      const ctl = this.controls[t - 1]!;
      if (Atomics.load(ctl, AWAKE) === 0) {
        awake = false;
        Atomics.notify(ctl, REQUEST);
      }
    }
    return awake;
  }

  /**
   * Runs `count` tasks, task 0 here and task t on worker t, and waits for all.
   * @throws {@link ComputeEngineError} if a worker fails or has exited (the pool
   *   is then shut down; the next call runs on one thread)
   */
  run(fn: string, tasks: readonly GemmTask[], count: number): void {
    const seq = ++this.sequence;
    for (let t = 1; t < count; t++) {
      const ctl = this.controls[t - 1]!;
      const task = tasks[t]!;
      ctl[ARGS] = task.m;
      ctl[ARGS + 1] = task.k;
      ctl[ARGS + 2] = task.a;
      ctl[ARGS + 3] = task.ai;
      ctl[ARGS + 4] = task.ap;
      ctl[ARGS + 5] = task.b;
      ctl[ARGS + 6] = task.bp;
      ctl[ARGS + 7] = task.bj;
      ctl[ARGS + 8] = task.c;
      ctl[ARGS + 9] = task.ldc;
      ctl[ARGS + 10] = task.j0;
      ctl[ARGS + 11] = task.j1;
      ctl[ARGS + 12] = CONTROL_BYTES + t * PACK_BYTES;
      ctl[ARGS + 13] = t === 1 ? injectedFault : 0;
      this.alphas[t - 1]![ALPHA] = task.alpha;
      Atomics.store(ctl, REQUEST, seq);
      Atomics.notify(ctl, REQUEST);
    }
    injectedFault = 0;
    const own = tasks[0]!;
    this.gemmExport(
      own.m,
      own.k,
      own.alpha,
      own.a,
      own.ai,
      own.ap,
      own.b,
      own.bp,
      own.bj,
      own.c,
      own.ldc,
      own.j0,
      own.j1,
      CONTROL_BYTES,
    );
    let failure = '';
    for (let t = 1; t < count; t++) {
      const ctl = this.controls[t - 1]!;
      for (let i = 0; i < SPIN && !finished(Atomics.load(ctl, DONE), seq); i++);
      for (;;) {
        const done = Atomics.load(ctl, DONE);
        if (finished(done, seq)) break;
        Atomics.wait(ctl, DONE, done);
      }
      const status = Atomics.load(ctl, STATUS);
      if (status === STATUS_EXITED) failure ||= `worker thread ${t} exited during the call`;
      else if (status === STATUS_FAILED) failure ||= `worker thread ${t} failed during the call`;
    }
    if (failure !== '') {
      this.resize(fn, 1);
      throw new ComputeEngineError(fn, failure);
    }
  }
}
