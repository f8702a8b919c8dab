/**
 * Seeded pseudo-random numbers: xoshiro128** with splitmix32 seeding and
 * polar Box–Muller normals. Small, fast, reproducible across platforms, and
 * its state is plain data, so checkpoints restore the exact stream.
 * @module
 */
import { InvalidArgumentError } from '../core/errors.js';
import { allocate, checkOrder, typeName } from '../core/matrix.js';
import type { Matrix, StorageOrder } from '../core/matrix.js';
import { checkDimension } from '../core/matrix.js';
import { reduceLines } from '../core/strided.js';

/**
 * Serialisable generator state: four 32-bit words and a cached normal deviate (or `null`).
 * @category Random
 */
export interface RngState {
  /** xoshiro128** state words (unsigned 32-bit integers, not all zero). */
  readonly words: readonly [number, number, number, number];
  /** Second normal deviate of the last polar Box–Muller pair, if unused. */
  readonly spareNormal: number | null;
}

/**
 * A seeded generator. Every randomized routine in bkfac takes one (or a seed).
 * @category Random
 */
export interface Rng {
  /** Uniform double in `[0, 1)` with 53 random bits. */
  next(): number;
  /** Standard normal deviate `N(0, 1)`. */
  normal(): number;
  /** Uniform unsigned 32-bit integer. */
  uint32(): number;
  /** Uniform integer in `[0, n)`. */
  int(n: number): number;
  /** Snapshot of the state; `createRng(rng.state())` continues the same stream. */
  state(): RngState;
}

/**
 * Creates a generator from an integer seed or a saved {@link RngState}.
 *
 * @param seed - any safe integer (different seeds give independent-looking streams), or a state snapshot
 * @returns a new generator
 * @throws {@link InvalidArgumentError} if `seed` is not a safe integer or a valid state (four
 *   unsigned 32-bit words, not all zero, and a finite `spareNormal` or `null`)
 * @example
 * ```ts
 * import { createRng } from '@bkfac/linalg';
 * const rng = createRng(42);
 * const saved = rng.state();
 * const a = rng.normal();
 * console.log(createRng(saved).normal() === a); // true
 * ```
 * @category Random
 */
export function createRng(seed: number | RngState): Rng {
  const s = new Uint32Array(4);
  let spare: number | null = null;
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) {
      throw new InvalidArgumentError('createRng', 'seed', 'a safe integer or an RngState', seed);
    }
    // splitmix32 over both halves of the seed fills the state; never all-zero.
    let x = (seed >>> 0) ^ Math.floor(seed / 0x100000000);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  } else {
    const w = seed?.words;
    if (
      !Array.isArray(w) ||
      w.length !== 4 ||
      w.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)
    ) {
      throw new InvalidArgumentError('createRng', 'seed', 'a safe integer or an RngState', seed);
    }
    const cached: unknown = seed.spareNormal;
    if (cached !== null && (typeof cached !== 'number' || !Number.isFinite(cached))) {
      throw new InvalidArgumentError(
        'createRng',
        'seed.spareNormal',
        'a finite number or null',
        cached,
      );
    }
    if (w.every((v) => v === 0)) {
      // xoshiro's all-zero state is a fixed point: a saved state is never all zero.
      throw new InvalidArgumentError(
        'createRng',
        'seed.words',
        'words not all zero',
        '[0, 0, 0, 0]',
      );
    }
    for (let i = 0; i < 4; i++) s[i] = w[i]!;
    spare = cached;
  }

  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
  const next = (): number => (uint32() * 0x200000 + (uint32() >>> 11)) / 9007199254740992;
  return {
    uint32,
    next,
    int(n: number): number {
      if (!Number.isInteger(n) || n < 1) {
        throw new InvalidArgumentError('Rng.int', 'n', 'a positive integer', n);
      }
      return Math.floor(next() * n);
    },
    normal(): number {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return z;
      }
      let u: number;
      let v: number;
      let r2: number;
      do {
        u = 2 * next() - 1;
        v = 2 * next() - 1;
        r2 = u * u + v * v;
      } while (r2 >= 1 || r2 === 0);
      const f = Math.sqrt((-2 * Math.log(r2)) / r2);
      spare = v * f;
      return u * f;
    },
    state(): RngState {
      return { words: [s[0]!, s[1]!, s[2]!, s[3]!], spareNormal: spare };
    },
  };
}

/**
 * An `m x n` matrix with i.i.d. standard normal entries `Ω_ij ~ N(0, 1)`.
 *
 * @param m - rows
 * @param n - columns
 * @param rng - generator (advanced by `m·n` normals)
 * @param order - storage order (default `'row'`; the entries are drawn column by column in either order)
 * @returns a fresh Gaussian matrix
 * @throws {@link InvalidArgumentError} on negative or fractional sizes
 * @example
 * ```ts
 * import { createRng, gaussianMatrix } from '@bkfac/linalg';
 * const omega = gaussianMatrix(100, 10, createRng(7));
 * console.log(omega.shape); // [100, 10]
 * ```
 * @category Random
 */
export function gaussianMatrix(
  m: number,
  n: number,
  rng: Rng,
  order: StorageOrder = 'row',
): Matrix {
  checkDimension('gaussianMatrix', 'm', m);
  checkDimension('gaussianMatrix', 'n', n);
  checkOrder('gaussianMatrix', order);
  if (typeof (rng as Partial<Rng> | null)?.normal !== 'function') {
    throw new InvalidArgumentError(
      'gaussianMatrix',
      'rng',
      'a generator from createRng',
      typeName(rng),
    );
  }
  const a = allocate('gaussianMatrix', m, n, order);
  // Fill in column order regardless of storage so the values do not depend on `order`.
  reduceLines(a, 'columns', fillNormal, rng);
  return a;
}

/** Fills a line with standard normals drawn from `rng`, the traversal's state. */
function fillNormal(rng: Rng, d: Float64Array, start: number, step: number, length: number): Rng {
  for (let t = 0, p = start; t < length; t++, p += step) d[p] = rng.normal();
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
