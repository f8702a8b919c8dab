/**
 * How far a strategy's damped inverse is from the exact one, for error plots like the papers'.
 * @module
 */
import { copy, eigh, eye, fromArray, gemm, InvalidArgumentError, reportedAs } from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import { rmsOf } from './clipping.js';
import { applyFactorInverse } from './inverse.js';
import { Workspace } from './workspace.js';
import { identityTerm } from './damping.js';
import { averageMatrix } from './refresh.js';
import type { FactorState, LayerState } from './state.js';
import { assertLayerState } from './state-check.js';
import type { FactorSide } from './statistics.js';

/**
 * Matrix norm of an error: `'spectral'` (`‖·‖₂`, the largest singular value)
 * or `'frobenius'` (`‖·‖_F`).
 *
 * @example
 * ```ts
 * import { createLayerState, inversionError, updateLayer, type ErrorNorm } from '@bkfac/kfactors';
 * import { fromRows } from '@bkfac/linalg';
 * const errorAtRank = (rank: number, norm: ErrorNorm): number => {
 *   const state = createLayerState({ strategy: 'rs-kfac', rank }, { inputDim: 3, outputDim: 1, batchSize: 2 });
 *   updateLayer(state, { step: 0, epoch: 0 }, { inputs: fromRows([[1, 2, 1], [3, -1, 1]]), gradients: fromRows([[0.1], [0.2]]) });
 *   return inversionError(state, 'A', { norm });
 * };
 * // Truncating the 3-wide factor to rank 1 costs accuracy in either norm; rank 3 is exact.
 * console.log([errorAtRank(1, 'spectral') > 0.1, errorAtRank(1, 'frobenius') > 0.1, errorAtRank(3, 'spectral') < 1e-12]); // [true, true, true]
 * ```
 * @category Diagnostics
 */
export type ErrorNorm = 'spectral' | 'frobenius';

/**
 * Options of {@link inversionError}.
 *
 * @example
 * ```ts
 * import { createLayerState, inversionError, updateLayer, type InversionErrorOptions } from '@bkfac/kfactors';
 * import { fromRows } from '@bkfac/linalg';
 * const state = createLayerState({ strategy: 'kfac' }, { inputDim: 2, outputDim: 1, batchSize: 2 });
 * updateLayer(state, { step: 0, epoch: 0 }, { inputs: fromRows([[0.5, 1], [-1, 1]]), gradients: fromRows([[0.1], [-0.2]]) });
 * const options: InversionErrorOptions = { norm: 'frobenius' };
 * console.log(inversionError(state, 'G', options) < 1e-14); // true
 * ```
 * @category Diagnostics
 */
export interface InversionErrorOptions {
  /** Norm of the error and of the reference (default `'spectral'`). */
  readonly norm?: ErrorNorm;
}

/**
 * Relative error of a factor's damped inverse, as the strategy applies it,
 * against the exact damped inverse of the same statistics:
 * `‖S − (K + μ·I)⁻¹‖ / ‖(K + μ·I)⁻¹‖` where `K` is the exact zero-initialised
 * EA over every `T_updt` step, `μ = λ·λ_max(K) + ρ^k` (`k` its update count;
 * the common full-rank limit of every strategy), and `S` the strategy's
 * inverse (its own representation, damping mode and staleness; `kfac` with
 * Kronecker damping is measured with per-factor `'tikhonov'` damping of its
 * decomposition, the Kronecker damping having no per-factor form).
 * Costs a dense `eigh` of `K` (`O(d³)`): a diagnostic, not for every step.
 *
 * @param state - a refreshed layer state whose factor keeps a dense average
 *   (dense-tracked factors, B-R copies, or `exactAverage: true`)
 * @param side - `'A'` or `'G'`
 * @param options - the norm
 * @returns the relative error (0 for an exact inverse)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `side` or the norm is unknown, the factor keeps no dense
 *   average, it has never been refreshed, or `state` is not a layer state
 * @throws {@link @bkfac/linalg!ConvergenceError} if the dense eigensolver does not converge
 * @example
 * ```ts
 * import { createLayerState, inversionError, updateLayer } from '@bkfac/kfactors';
 * import { fromRows } from '@bkfac/linalg';
 * const state = createLayerState({ strategy: 'kfac' }, { inputDim: 2, outputDim: 1, batchSize: 2 });
 * updateLayer(state, { step: 0, epoch: 0 }, { inputs: fromRows([[0.5, 1], [-1, 1]]), gradients: fromRows([[0.1], [-0.2]]) });
 * console.log(inversionError(state, 'A') < 1e-14); // true
 * ```
 * @category Diagnostics
 */
export function inversionError(
  state: LayerState,
  side: FactorSide,
  options: InversionErrorOptions = {},
): number {
  const fn = 'inversionError';
  assertLayerState(fn, 'state', state);
  if (side !== 'A' && side !== 'G') throw new InvalidArgumentError(fn, 'side', "'A' or 'G'", side);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(fn, 'options', 'an object { norm? }', options);
  }
  const norm = options.norm ?? 'spectral';
  if (norm !== 'spectral' && norm !== 'frobenius') {
    throw new InvalidArgumentError(fn, 'options.norm', "'spectral' or 'frobenius'", norm);
  }
  const factor = side === 'A' ? state.a : state.g;
  if (factor.average === null) {
    throw new InvalidArgumentError(
      fn,
      'state',
      'a factor with a dense average (create the state with exactAverage: true)',
      `a Brand-only ${side} factor`,
    );
  }
  if (factor.refreshedAt < 0) {
    throw new InvalidArgumentError(
      fn,
      'state',
      'a refreshed factor (call updateLayer first)',
      'none',
    );
  }
  // The state's own average may be corrupt: eigh's errors then name this function.
  return reportedAs(fn, 'state', () => relativeInverseError(state, factor, norm));
}

/** The relative error of the strategy's damped inverse against the exact one (see inversionError). */
function relativeInverseError(state: LayerState, factor: FactorState, norm: ErrorNorm): number {
  const { decay, dampingMode } = state.config;
  const lambda = state.damping;
  const d = factor.dim;
  const exact = eigh(averageMatrix(factor));
  const top = Math.max(exact.values[0] ?? 0, 0);
  const mu = lambda * top + identityTerm(decay, factor.averageUpdates);
  const inverse = Float64Array.from(exact.values, (v) => 1 / (v + mu));
  const reference = scaledProduct(exact.vectors, inverse);
  const identity = eye(d);
  const strategy = applyFactorInverse(
    factor,
    dampingMode === 'adaptive',
    lambda,
    decay,
    identity,
    'left',
    eye(d),
    new Workspace(),
  );
  const difference = symmetricDifference(strategy, reference);
  if (norm === 'frobenius') {
    // ‖difference‖_F / ‖inverse‖_F, both formed without overflow.
    const inverseNorm = rmsOf(fromArray(inverse, [d, 1]), 1);
    return rmsOf(difference, 1) / inverseNorm;
  }
  const { values } = eigh(difference, { valuesOnly: true });
  const largest = Math.max(Math.abs(values[0]!), Math.abs(values[d - 1]!));
  return largest / inverse[d - 1]!;
}

/** `Q·diag(s)·Qᵀ`. */
function scaledProduct(q: Matrix, s: Float64Array): Matrix {
  const scaled = copy(q);
  const n = scaled.shape[1]!;
  const data = scaled.data;
  for (let i = 0; i < data.length; i++) data[i]! *= s[i % n]!;
  return gemm(scaled, q, { transB: true });
}

/** `((S − R) + (S − R)ᵀ)/2`, exactly symmetric for the eigensolver. */
function symmetricDifference(s: Matrix, r: Matrix): Matrix {
  const n = s.shape[0]!;
  const out = copy(s);
  const o = out.data;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = 0.5 * (s.get(i, j) - r.get(i, j) + s.get(j, i) - r.get(j, i));
      o[i * n + j] = v;
      o[j * n + i] = v;
    }
  }
  return out;
}
