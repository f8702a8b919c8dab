/**
 * Randomized range finder with re-orthonormalised subspace (power) iterations
 * (Halko, Martinsson & Tropp 2011, Algorithm 4.4).
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { assertInteger } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { gaussianMatrix } from '../random/rng.js';
import type { Rng } from '../random/rng.js';
import { orthonormalizeColumns } from '../dense/qr.js';
import { checkOperator } from './operator.js';
import type { CheckedOperator, LinearOperator } from './operator.js';
import { resolveRng } from './random-source.js';
import type { RandomSource } from './random-source.js';

/**
 * Largest accepted number of subspace iterations (`powerIterations` of
 * {@link rangeFinder}, {@link rsvd} and {@link reigh}). Accuracy stops
 * improving after a handful of iterations; the bound keeps a mistyped count
 * (say `2 ** 53`) from running for ever.
 * @example
 * ```ts
 * import { eye, MAX_POWER_ITERATIONS, rangeFinder } from '@bkfac/linalg';
 * console.log(rangeFinder(eye(4), 2, { powerIterations: MAX_POWER_ITERATIONS }).shape); // [4, 2]
 * ```
 * @category Low-rank and online decompositions
 */
export const MAX_POWER_ITERATIONS = 100;

/**
 * Options of {@link rangeFinder}.
 * @category Low-rank and online decompositions
 */
export interface RangeFinderOptions extends RandomSource {
  /**
   * Subspace iterations `p` (default `0`, at most {@link MAX_POWER_ITERATIONS}):
   * each applies `Aᵀ` then `A`, re-orthonormalising after every product, so
   * the sketch sees `(AAᵀ)^p·A` whose spectrum decays `2p + 1` times faster.
   */
  powerIterations?: number;
}

/**
 * An orthonormal basis `Q` of the dominant `q`-dimensional range of `A`:
 * `Q = orth((AAᵀ)^p·A·Ω)` with a Gaussian `Ω` (`cols x q`), so that
 * `‖A − QQᵀA‖` is close to the best rank-`q` error `σ_{q+1}(A)`.
 *
 * @param a - `rows x cols` matrix (any strides) or a {@link LinearOperator}
 *   (which needs `applyTranspose`, or `symmetric: true`, when `powerIterations > 0`)
 * @param q - number of basis vectors, an integer in `[1, min(rows, cols)]`
 * @param options - `powerIterations` and the random source (`seed` or `rng`; default seed 0)
 * @returns a fresh `rows x q` matrix with orthonormal columns
 * @throws {@link InvalidArgumentError} if `q`, `powerIterations` (an integer in `[0, MAX_POWER_ITERATIONS]`), the seed/rng or the operator is invalid
 * @throws {@link ShapeError} if `a` (or an operator's output) has the wrong shape
 * @throws {@link NonFiniteError} if `a` (or an operator's output) holds NaN or ±Infinity
 * @example
 * ```ts
 * import { eye, orthogonalityLoss, rangeFinder } from '@bkfac/linalg';
 * const q = rangeFinder(eye(6), 3, { powerIterations: 1, seed: 42 });
 * console.log(q.shape); // [6, 3]
 * console.log(orthogonalityLoss(q) < 1e-14); // true
 * ```
 * @category Low-rank and online decompositions
 */
export function rangeFinder(
  a: Matrix | LinearOperator,
  q: number,
  options?: RangeFinderOptions,
): Matrix {
  options = optionsObject('rangeFinder', options);
  const powerIterations = assertInteger(
    'rangeFinder',
    'options.powerIterations',
    options.powerIterations ?? 0,
    0,
    MAX_POWER_ITERATIONS,
  );
  const op = checkOperator('rangeFinder', 'a', a, false);
  assertInteger('rangeFinder', 'q', q, 1, Math.min(op.rows, op.cols));
  return sketchRange(op, q, powerIterations, resolveRng('rangeFinder', options));
}

/**
 * Unchecked range finder on a validated operator.
 * @internal
 */
export function sketchRange(
  op: CheckedOperator,
  q: number,
  powerIterations: number,
  rng: Rng,
): Matrix {
  let basis = orthonormalizeColumns(op.apply(gaussianMatrix(op.cols, q, rng, 'col')));
  for (let i = 0; i < powerIterations; i++) {
    basis = orthonormalizeColumns(op.applyTranspose(basis));
    basis = orthonormalizeColumns(op.apply(basis));
  }
  return basis;
}

/**
 * Validates the common arguments of {@link rsvd} and {@link reigh} and
 * sketches the range: `q = min(rank + oversample, rows, cols)` columns.
 * @internal
 */
export function sketchFor(
  fn: string,
  a: Matrix | LinearOperator,
  rank: number,
  options: RandomSource & { oversample?: number; powerIterations?: number },
  symmetric: boolean,
): { op: CheckedOperator; basis: Matrix } {
  const oversample = assertInteger(fn, 'options.oversample', options.oversample ?? 10, 0);
  const powerIterations = assertInteger(
    fn,
    'options.powerIterations',
    options.powerIterations ?? 2,
    0,
    MAX_POWER_ITERATIONS,
  );
  const op = checkOperator(fn, 'a', a, symmetric);
  const limit = Math.min(op.rows, op.cols);
  assertInteger(fn, 'rank', rank, 1, limit);
  const rng = resolveRng(fn, options);
  return { op, basis: sketchRange(op, Math.min(rank + oversample, limit), powerIterations, rng) };
}
