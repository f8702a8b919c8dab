/**
 * The B-KFAC-c correction: Rayleigh–Ritz on a random subset of a Brand
 * representation's eigenpairs against the exact matrix.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { copyInto, zeros } from '../core/matrix.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { assertNumber } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { gemmUnchecked } from '../blas/gemm.js';
import { column, gatherColumns } from './blocks.js';
import { assertEigenPairs, assertObject } from './check-representation.js';
import { checkOperator } from './operator.js';
import type { CheckedOperator, LinearOperator } from './operator.js';
import type { OrthonormalityOptions } from './orthogonality.js';
import { resolveRng } from './random-source.js';
import type { RandomSource } from './random-source.js';
import { ritzRotation } from './ritz.js';
import type { LowRankEigen } from './types.js';

/**
 * Options of {@link rayleighRitzCorrection}.
 * @category Low-rank and online decompositions
 */
export interface RayleighRitzCorrectionOptions extends RandomSource, OrthonormalityOptions {
  /**
   * Fraction `φ ∈ [0, 1]` of the `m` pairs to correct: `s = round(φ·m + 1)`
   * pairs (capped at `m`), drawn uniformly without replacement (default `0.2`).
   */
  fraction?: number;
  /** Explicit distinct column indices to correct; overrides `fraction` and the random source. */
  indices?: readonly number[];
}

/**
 * Rayleigh–Ritz correction of a low-rank eigen-representation against the
 * exact symmetric matrix `K`: for a subset `S` of the columns of `V`,
 * `V_S ← V_S·Z` and `λ_S ← θ` where `V_SᵀKV_S = Z·diag(θ)·Zᵀ`, then all pairs
 * are re-sorted in descending order. Within `span(V_S)` the pairs become the
 * best approximations to `K`'s eigenpairs; the other pairs are unchanged and
 * `V` stays orthonormal (a rotation inside orthonormal columns). Costs one
 * product `K·V_S` (`2d²s`) plus `O(d·s² + s³ + d·m)`.
 *
 * @param representation - `{ values: m, vectors: d x m }`, orthonormal `vectors`
 * @param k - symmetric `d x d` matrix (any strides) or a square {@link LinearOperator} for it
 * @param options - `fraction` or `indices`, the random source (`seed`/`rng`; default seed 0) and the orthonormality check
 * @returns a fresh `{ values, vectors }` with the same `m` columns, values descending
 * @throws {@link ShapeError} if the representation's shapes are inconsistent or `k` is not `d x d`
 * @throws {@link NonSymmetricError} if the matrix `k` is not symmetric
 * @throws {@link InvalidArgumentError} if `vectors` is not orthonormal within the tolerance,
 *   `fraction ∉ [0, 1]`, `indices` are not distinct integers in `[0, m)`, or the seed/rng is invalid
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity
 * @throws {@link ConvergenceError} if the small eigensolver does not converge
 * @example
 * ```ts
 * import { eye, fromRows, rayleighRitzCorrection } from '@bkfac/linalg';
 * const k = fromRows([[5, 0, 0], [0, 3, 0], [0, 0, 1]]);
 * const stale = { values: new Float64Array([4, 2]), vectors: eye(3).hi(3, 2) };
 * const fixed = rayleighRitzCorrection(stale, k, { indices: [0, 1] });
 * console.log(Array.from(fixed.values)); // [5, 3]
 * ```
 * @category Low-rank and online decompositions
 */
export function rayleighRitzCorrection(
  representation: LowRankEigen,
  k: Matrix | LinearOperator,
  options?: RayleighRitzCorrectionOptions,
): LowRankEigen {
  options = optionsObject('rayleighRitzCorrection', options);
  const fn = 'rayleighRitzCorrection';
  assertObject(fn, 'representation', representation, 'an object { values, vectors }');
  const { values, vectors } = representation;
  const [d, m] = assertEigenPairs(
    fn,
    'representation.values',
    'representation.vectors',
    values,
    vectors,
    options,
  );
  const op = checkOperator(fn, 'k', k, true);
  if (op.rows !== d) throw new ShapeError(fn, 'k', `[${d}, ${d}]`, `[${op.rows}, ${op.cols}]`);
  const sampled =
    options.indices === undefined
      ? sampleIndices(fn, m, options)
      : checkIndices(fn, m, options.indices);

  const { values: ritzValues, vectors: rotated } = correctColumns(
    op,
    gatherColumns(vectors, sampled),
  );

  // Candidate pairs: unsampled columns of V, then the rotated ones; re-sort descending.
  const isSampled = new Uint8Array(m);
  for (const i of sampled) isSampled[i] = 1;
  const pairs: { value: number; from: Matrix; index: number }[] = [];
  for (let i = 0; i < m; i++)
    if (isSampled[i] === 0) pairs.push({ value: values[i]!, from: vectors, index: i });
  for (let j = 0; j < sampled.length; j++)
    pairs.push({ value: ritzValues[j]!, from: rotated, index: j });
  pairs.sort((a, b) => b.value - a.value);

  const outValues = new Float64Array(m);
  const outVectors = zeros(d, m, 'col');
  pairs.forEach(({ value, from, index }, j) => {
    outValues[j] = value;
    copyInto(column(outVectors, j), column(from, index));
  });
  return { values: outValues, vectors: outVectors };
}

/** Ritz pairs `(θ, V_S·Z)` of `K` on the orthonormal columns `V_S`. */
function correctColumns(op: CheckedOperator, basis: Matrix): LowRankEigen {
  const s = basis.shape[1]!;
  if (s === 0) return { values: new Float64Array(0), vectors: basis };
  const ritz = ritzRotation(basis, op.apply(basis));
  const rotated = zeros(basis.shape[0]!, s, 'col');
  gemmUnchecked(false, false, 1, basis, ritz.vectors, 0, rotated);
  return { values: ritz.values, vectors: rotated };
}

/** `round(φ·m + 1)` distinct indices (capped at `m`), by a partial Fisher–Yates shuffle. */
function sampleIndices(fn: string, m: number, options: RayleighRitzCorrectionOptions): number[] {
  const fraction = assertNumber(fn, 'options.fraction', options.fraction ?? 0.2, 0, 1);
  const rng = resolveRng(fn, options);
  const s = Math.min(m, Math.round(fraction * m + 1));
  const pool = Array.from({ length: m }, (_, i) => i);
  for (let j = 0; j < s; j++) {
    const t = j + rng.int(m - j);
    [pool[j], pool[t]] = [pool[t]!, pool[j]!];
  }
  return pool.slice(0, s);
}

function checkIndices(fn: string, m: number, indices: readonly number[]): number[] {
  const fail = (): never => {
    throw new InvalidArgumentError(
      fn,
      'options.indices',
      `distinct integers in [0, ${m})`,
      indices,
    );
  };
  if (!Array.isArray(indices)) fail();
  const seen = new Uint8Array(m);
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= m || seen[i] === 1) fail();
    seen[i] = 1;
  }
  return indices.slice();
}
