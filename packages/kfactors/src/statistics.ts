/**
 * Per-batch K-factor statistics of a fully connected layer and their exponential average.
 * @module
 */
import { InvalidArgumentError, ShapeError, syrk, zeros } from '@bkfac/linalg';
import { assertFinite, assertMatrix, assertNumber } from '@bkfac/linalg/validate';
import type { Matrix } from '@bkfac/linalg';

/**
 * Which Kronecker factor of a layer: `'A'` (activations, `d_A = d_in + 1`
 * with the bias column) or `'G'` (pre-activation gradients, `d_G = d_out`).
 *
 * @example
 * ```ts
 * import { batchScale, type FactorSide } from '@bkfac/kfactors';
 * const sides: FactorSide[] = ['A', 'G'];
 * console.log(sides.map((side) => batchScale(side, 4))); // [0.25, 4]
 * ```
 * @category Statistics
 */
export type FactorSide = 'A' | 'G';

/**
 * The scale `s` with `K_b = s·BᵀB` for a batch `B` of `n` rows: `1/n` for the
 * activations (`A_b = X̃ᵀX̃/n`) and `n` for the gradients of a batch-mean loss
 * (`G_b = n·EᵀE`, each row of `E` being `1/n` of a per-sample gradient).
 *
 * @param side - `'A'` or `'G'`
 * @param n - batch size, a positive integer
 * @returns `1/n` or `n`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `side` is unknown or `n < 1`
 * @example
 * ```ts
 * import { batchScale } from '@bkfac/kfactors';
 * console.log([batchScale('A', 4), batchScale('G', 4)]); // [0.25, 4]
 * ```
 * @category Statistics
 */
export function batchScale(side: FactorSide, n: number): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError('batchScale', 'n', 'a positive integer', n);
  }
  assertSide('batchScale', side);
  return side === 'A' ? 1 / n : n;
}

/** Asserts that `side` is `'A'` or `'G'`, naming the function the caller called. */
function assertSide(fn: string, side: unknown): asserts side is FactorSide {
  if (side !== 'A' && side !== 'G') throw new InvalidArgumentError(fn, 'side', "'A' or 'G'", side);
}

/**
 * The batch K-factor `K_b = s·BᵀB` (`A_b = X̃ᵀX̃/n`, `G_b = n·EᵀE`).
 *
 * @param side - `'A'` (then `batch` is `X̃`, `n x d_A`) or `'G'` (`E`, `n x d_out`)
 * @param batch - `n x d` batch matrix, `n ≥ 1` (any strides)
 * @returns a fresh symmetric `d x d` matrix
 * @throws {@link @bkfac/linalg!ShapeError} if `batch` is not 2-D or has no rows
 * @throws {@link @bkfac/linalg!NonFiniteError} if `batch` holds NaN or ±Infinity
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `side` is unknown or the batch's second moments would overflow float64
 * @example
 * ```ts
 * import { batchFactor } from '@bkfac/kfactors';
 * import { fromRows, toRows } from '@bkfac/linalg';
 * console.log(toRows(batchFactor('A', fromRows([[1, 1], [3, 1]])))); // [[5, 2], [2, 1]]
 * ```
 * @category Statistics
 */
export function batchFactor(side: FactorSide, batch: Matrix): Matrix {
  assertSide('batchFactor', side);
  const n = checkBatch('batchFactor', 'batch', batch);
  assertMomentsRepresentable('batchFactor', 'batch', side, batch, n, 0);
  return syrk(batch, { trans: true, alpha: batchScale(side, n) });
}

/**
 * One exponential-average step in place, `K ← ρK + (1−ρ)K_b`, straight from
 * the batch (a symmetric rank-`n` update; `K` stays exactly symmetric).
 *
 * @param average - `d x d` symmetric matrix `K`, overwritten (only its lower triangle is read)
 * @param side - `'A'` or `'G'` (selects the batch scaling of {@link batchScale})
 * @param batch - `n x d` batch matrix, `n ≥ 1`
 * @param decay - `ρ ∈ [0, 1)`
 * @returns `average`
 * @throws {@link @bkfac/linalg!ShapeError} if the shapes disagree or `batch` has no rows
 * @throws {@link @bkfac/linalg!NonFiniteError} if `batch` or `average` holds NaN or ±Infinity
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `decay` or `side` is invalid, or the batch's second moments would overflow float64
 * @example
 * ```ts
 * import { exponentialAverageInPlace } from '@bkfac/kfactors';
 * import { eye, fromRows, toRows } from '@bkfac/linalg';
 * const k = exponentialAverageInPlace(eye(2), 'A', fromRows([[2, 0]]), 0.5);
 * console.log(toRows(k)); // [[2.5, 0], [0, 0.5]]
 * ```
 * @category Statistics
 */
export function exponentialAverageInPlace(
  average: Matrix,
  side: FactorSide,
  batch: Matrix,
  decay: number,
): Matrix {
  const fn = 'exponentialAverageInPlace';
  assertSide(fn, side);
  const n = checkBatch(fn, 'batch', batch);
  assertNumber(fn, 'decay', decay, 0, 1 - 2 ** -52);
  const d = batch.shape[1]!;
  const [r, c] = assertMatrix(fn, 'average', average);
  if (r !== d || c !== d) throw new ShapeError(fn, 'average', `[${d}, ${d}]`, `[${r}, ${c}]`);
  assertFinite(fn, 'average', average);
  assertMomentsRepresentable(fn, 'batch', side, batch, n, decay);
  return syrk(batch, {
    trans: true,
    alpha: (1 - decay) * batchScale(side, n),
    beta: decay,
    out: average,
  });
}

/**
 * The Brand-update input `M = √((1−ρ)·s)·Bᵀ` (`d x n`) with
 * `M·Mᵀ = (1−ρ)·K_b`: `√(1−ρ)/√n·X̃ᵀ` or `√(1−ρ)·√n·Eᵀ`.
 *
 * @param side - `'A'` or `'G'`
 * @param batch - `n x d` batch matrix, `n ≥ 1`
 * @param decay - `ρ ∈ [0, 1)`
 * @param out - optional `d x n` output (default: a fresh column-major matrix)
 * @returns `out` or a fresh `d x n` matrix
 * @throws {@link @bkfac/linalg!ShapeError} if `batch` has no rows or `out` has the wrong shape
 * @throws {@link @bkfac/linalg!NonFiniteError} if `batch` holds NaN or ±Infinity
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `decay` or `side` is invalid
 * @example
 * ```ts
 * import { brandIncrement } from '@bkfac/kfactors';
 * import { fromRows, toRows } from '@bkfac/linalg';
 * console.log(toRows(brandIncrement('G', fromRows([[1, 2]]), 0.75))); // [[0.5], [1]]
 * ```
 * @category Statistics
 */
export function brandIncrement(
  side: FactorSide,
  batch: Matrix,
  decay: number,
  out?: Matrix,
): Matrix {
  const fn = 'brandIncrement';
  assertSide(fn, side);
  const n = checkBatch(fn, 'batch', batch);
  assertNumber(fn, 'decay', decay, 0, 1 - 2 ** -52);
  const d = batch.shape[1]!;
  let m = out;
  if (m === undefined) m = zeros(d, n, 'col');
  else {
    const [r, c] = assertMatrix(fn, 'out', m);
    if (r !== d || c !== n) throw new ShapeError(fn, 'out', `[${d}, ${n}]`, `[${r}, ${c}]`);
  }
  scaledTransposeInto(m, batch, Math.sqrt((1 - decay) * batchScale(side, n)));
  return m;
}

/**
 * Validates a batch matrix: 2-D float64, at least one row, finite. Returns `n`.
 * @internal
 */
export function checkBatch(fn: string, arg: string, batch: unknown, dim?: number): number {
  const [n, d] = assertMatrix(fn, arg, batch);
  if (n < 1 || (dim !== undefined && d !== dim)) {
    throw new ShapeError(fn, arg, `[n >= 1, ${dim ?? 'd'}]`, `[${n}, ${d}]`);
  }
  assertFinite(fn, arg, batch as Matrix);
  return n;
}

/**
 * `out = s·Bᵀ` for any strides (a scaled copy, not a product).
 * @internal
 */
export function scaledTransposeInto(out: Matrix, batch: Matrix, s: number): void {
  const [n, d] = batch.shape as [number, number];
  const [b0, b1] = batch.stride as [number, number];
  const [o0, o1] = out.stride as [number, number];
  const bd = batch.data;
  const od = out.data;
  for (let j = 0; j < n; j++) {
    let p = batch.offset + j * b0;
    let q = out.offset + j * o1;
    for (let i = 0; i < d; i++, p += b1, q += o0) od[q] = s * bd[p]!;
  }
}

/**
 * `X̃ = [X, 1]`: the layer inputs with a trailing column of ones, so the bias
 * is the last column of the weight matrix. The K-factor
 * API takes `X̃` (a bias-free layer passes `X` itself).
 *
 * @param x - `n x d_in` inputs (any strides)
 * @param out - optional `n x (d_in + 1)` output
 * @returns `out` or a fresh row-major `n x (d_in + 1)` matrix
 * @throws {@link @bkfac/linalg!ShapeError} if `x` is not 2-D or `out` has the wrong shape
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `x` is not a float64 matrix
 * @example
 * ```ts
 * import { appendOnesColumn } from '@bkfac/kfactors';
 * import { fromRows, toRows } from '@bkfac/linalg';
 * console.log(toRows(appendOnesColumn(fromRows([[2, 3]])))); // [[2, 3, 1]]
 * ```
 * @category Statistics
 */
export function appendOnesColumn(x: Matrix, out?: Matrix): Matrix {
  const fn = 'appendOnesColumn';
  const [n, d] = assertMatrix(fn, 'x', x);
  let o = out;
  if (o === undefined) o = zeros(n, d + 1);
  else {
    const [r, c] = assertMatrix(fn, 'out', o);
    if (r !== n || c !== d + 1) throw new ShapeError(fn, 'out', `[${n}, ${d + 1}]`, `[${r}, ${c}]`);
  }
  const [x0, x1] = x.stride as [number, number];
  const [o0, o1] = o.stride as [number, number];
  const xd = x.data;
  const od = o.data;
  for (let i = 0; i < n; i++) {
    let p = x.offset + i * x0;
    let q = o.offset + i * o0;
    for (let j = 0; j < d; j++, p += x1, q += o1) od[q] = xd[p]!;
    od[q] = 1;
  }
  return o;
}

/**
 * Refuses a batch whose EA contribution could overflow: entries of
 * `(1−ρ)·K_b` are at most `(1−ρ)·s·n·max|b|²` (and the average, a convex
 * combination, stays below the larger of that and its old entries).
 * @internal
 */
export function assertMomentsRepresentable(
  fn: string,
  arg: string,
  side: FactorSide,
  batch: Matrix,
  n: number,
  decay: number,
): void {
  const [m, d] = batch.shape as [number, number];
  const [s0, s1] = batch.stride as [number, number];
  const data = batch.data;
  let max = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0, p = batch.offset + i * s0; j < d; j++, p += s1)
      max = Math.max(max, Math.abs(data[p]!));
  }
  const bound = (1 - decay) * batchScale(side, n) * n * max ** 2;
  if (!(bound < 1e300)) {
    throw new InvalidArgumentError(
      fn,
      arg,
      'entries whose second moments fit in float64',
      `max |entry|² ~ ${bound}`,
    );
  }
}
