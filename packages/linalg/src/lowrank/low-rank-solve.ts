/**
 * Damped low-rank inverse application.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { copyInto, zeros } from '../core/matrix.js';
import { InvalidArgumentError } from '../core/errors.js';
import { assertFinite, assertShape } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { assertOutput } from '../core/output.js';
import { gemmUnchecked } from '../blas/gemm.js';
import { scaleInPlaceUnchecked } from '../blas/scale.js';
import { assertEigenPairs } from './check-representation.js';
import type { OrthonormalityOptions } from './orthogonality.js';

/**
 * Side on which {@link lowRankSolve} applies the inverse: `'left'` computes
 * `(K + μI)⁻¹·M`, `'right'` computes `M·(K + μI)⁻¹`.
 *
 * @example
 * ```ts
 * import type { SolveSide } from '@bkfac/linalg';
 * const side: SolveSide = 'right';
 * console.log(side); // right
 * ```
 * @category Low-rank and online decompositions
 */
export type SolveSide = 'left' | 'right';

/**
 * Options of {@link lowRankSolve}.
 * @category Low-rank and online decompositions
 */
export interface LowRankSolveOptions extends OrthonormalityOptions {
  /** Apply the inverse on the left (default) or on the right of `m`. */
  side?: SolveSide;
  /**
   * Output with the shape of `m` (any strides), overwritten and returned (default: a fresh
   * row-major matrix). It must not share any element with `m`, `vectors` or `values` (checked).
   */
  out?: Matrix;
}

/**
 * Damped inverse of a low-rank matrix applied to a block, never forming a
 * `d x d` matrix: with `K = V·diag(λ)·Vᵀ` (`VᵀV = I`) and `μ > 0`,
 * `(K + μI)⁻¹ = V·diag(1/(λ + μ) − 1/μ)·Vᵀ + I/μ`, so
 * `(K + μI)⁻¹·M = V·[diag(−λ/(μ(λ + μ)))·(VᵀM)] + M/μ` (`side: 'left'`) and
 * `M·(K + μI)⁻¹` likewise (`side: 'right'`), in `≈ 4·d·r·c` flops.
 * Equals the dense solve for any `r ≤ d`; with `r = d` it is the full inverse.
 * Accuracy: the formula sums terms of size `‖M‖/μ`, so the absolute error is
 * `O((d + r)·eps·‖M‖/μ)` — relative to the solution, `κ·eps` with
 * `κ = (λ_max + μ)/μ`, the forward error of any stable solver.
 *
 * @param values - eigenvalues `λ`, length `r`, with `λ_i + μ > 0`
 * @param vectors - `d x r` orthonormal eigenvectors (checked per `orthonormalityCheck`)
 * @param mu - damping `μ > 0`
 * @param m - `d x c` (left) or `c x d` (right) block, any strides
 * @param options - `side`, `out` and the orthonormality check
 * @returns `options.out`, or a fresh row-major matrix of the shape of `m`
 * @throws {@link ShapeError} if `values`, `vectors`, `m` or `out` have inconsistent shapes
 * @throws {@link InvalidArgumentError} if `mu ≤ 0`, some `λ_i + μ ≤ 0`, the result would
 *   overflow (then `out` is left as it was), `vectors` is not orthonormal within the
 *   tolerance, `side` is invalid, or `out` shares elements with an input
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity
 * @example
 * ```ts
 * import { fromRows, lowRankSolve, toRows } from '@bkfac/linalg';
 * // K = 3·e1·e1ᵀ in R², μ = 1: (K + I)⁻¹ = diag(1/4, 1).
 * const x = lowRankSolve(new Float64Array([3]), fromRows([[1], [0]]), 1, fromRows([[4], [2]]));
 * console.log(toRows(x)); // [[1], [2]]
 * ```
 * @category Low-rank and online decompositions
 */
export function lowRankSolve(
  values: Float64Array,
  vectors: Matrix,
  mu: number,
  m: Matrix,
  options?: LowRankSolveOptions,
): Matrix {
  options = optionsObject('lowRankSolve', options);
  const fn = 'lowRankSolve';
  const [d, r] = assertEigenPairs(fn, 'values', 'vectors', values, vectors, options);
  if (typeof mu !== 'number' || !(mu > 0) || !Number.isFinite(1 / mu) || !Number.isFinite(mu)) {
    throw new InvalidArgumentError(fn, 'mu', 'a finite number > 0 with a finite 1/mu', mu);
  }
  for (let i = 0; i < r; i++) {
    if (!(values[i]! + mu > 0)) {
      throw new InvalidArgumentError(
        fn,
        'values',
        `eigenvalues with values[i] + mu > 0 (mu = ${mu})`,
        `values[${i}] = ${values[i]}`,
      );
    }
  }
  const side = options.side ?? 'left';
  if (side !== 'left' && side !== 'right') {
    throw new InvalidArgumentError(fn, 'options.side', "'left' or 'right'", side);
  }
  const left = side === 'left';
  const [rows, cols] = assertShape(fn, 'm', m, left ? [d, null] : [null, d]);
  assertFinite(fn, 'm', m);
  if (options.out !== undefined) {
    assertOutput(
      fn,
      'options.out',
      options.out,
      [rows, cols],
      [
        ['m', m],
        ['vectors', vectors],
        ['values', values],
      ],
    );
  }
  // The result is formed apart and checked before it reaches `options.out`, so a failed call
  // (overflow) leaves the caller's arrays as they were.
  const result = zeros(rows, cols);

  // W = VᵀM (left) or M·V (right), scaled by −λ/(μ(λ + μ)) (no cancellation for λ ≪ μ).
  const c = left ? cols : rows;
  const w = zeros(r, c, 'col');
  const wt = w.transpose(1, 0);
  if (left) gemmUnchecked(true, false, 1, vectors, m, 0, w);
  else gemmUnchecked(false, false, 1, m, vectors, 0, wt);
  const wd = w.data;
  for (let i = 0; i < r; i++) {
    // (λ/(λ + μ))/μ rather than λ/(μ(λ + μ)): the product μ(λ + μ) underflows for tiny μ.
    const f = -(values[i]! / (values[i]! + mu)) / mu;
    for (let j = 0, p = i; j < c; j++, p += r) wd[p]! *= f;
  }
  copyInto(result, m);
  scaleInPlaceUnchecked(1 / mu, result);
  if (left) gemmUnchecked(false, false, 1, vectors, w, 1, result);
  else gemmUnchecked(false, true, 1, wt, vectors, 1, result);
  assertNoOverflow(fn, result, mu);
  if (options.out === undefined) return result;
  copyInto(options.out, result);
  return options.out;
}

function assertNoOverflow(fn: string, out: Matrix, mu: number): void {
  try {
    assertFinite(fn, 'out', out);
  } catch {
    throw new InvalidArgumentError(fn, 'mu', 'large enough for a finite result', mu);
  }
}
