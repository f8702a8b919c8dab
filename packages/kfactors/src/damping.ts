/**
 * Per-factor damping of the family and its plain form.
 * @module
 */
import { InvalidArgumentError, NonFiniteError } from '@bkfac/linalg';
import { assertInteger, assertNumber, assertFiniteVector } from '@bkfac/linalg/validate';

/**
 * A factor's damped inverse in the form `(U·diag(D − shift)·Uᵀ + mu·I)⁻¹`
 * with `(U, D)` the factor's eigen-representation.
 *
 * @example
 * ```ts
 * import { factorDamping, type FactorDamping } from '@bkfac/kfactors';
 * const damping: FactorDamping = factorDamping('tikhonov', new Float64Array([2, 1]), 0.5, 0.5, 1);
 * console.log(damping); // {"mu":1.5,"shift":0}
 * ```
 * @category Preconditioning
 */
export interface FactorDamping {
  /** Damping `μ > 0` added on the whole space. */
  readonly mu: number;
  /** Amount `c` subtracted from every retained eigenvalue (the continuation value; 0 without it). */
  readonly shift: number;
}

/**
 * Smallest value of the identity term `ρ^k` in the damping: `max(ρ^k, 1e-100)`.
 * Without it a factor whose statistics are exactly zero (dead units) has
 * `μ = ρ^k`, whose inverse `1/μ` overflows after about 13,900 updates at
 * `ρ = 0.95`, so the damped inverse no longer exists in float64. The floor is
 * reached after about 4,500 updates at `ρ = 0.95` and changes a result only
 * when the whole damped spectrum is below about 1e-100 (nothing else is left to
 * damp); the
 * Kronecker-damped `kfac` product of two floored terms, 1e-200, stays a normal
 * float64.
 *
 * @example
 * ```ts
 * import { factorDamping, IDENTITY_TERM_FLOOR } from '@bkfac/kfactors';
 * const zero = new Float64Array([0, 0]);
 * console.log(factorDamping('tikhonov', zero, 0.1, 0.95, 20000).mu === IDENTITY_TERM_FLOOR); // true
 * ```
 * @category Preconditioning
 */
export const IDENTITY_TERM_FLOOR = 1e-100;

/**
 * The identity term `max(ρ^k, IDENTITY_TERM_FLOOR)` of a factor after `k` EA updates.
 * @internal
 */
export function identityTerm(decay: number, updates: number): number {
  return Math.max(decay ** updates, IDENTITY_TERM_FLOOR);
}

/**
 * Damping of one factor with eigenvalues `D` after `k` EA updates:
 * `'adaptive'`: `c = min D`, `μ = λ·max D + ρ^k + c`, i.e. the exact
 * inverse of a matrix with eigenvalues `D_i + λ max D + ρ^k` on `span(U)` and
 * `min D + λ max D + ρ^k` on its complement (a flat continuation of the
 * truncated spectrum); `'tikhonov'`: `μ = λ·max D + ρ^k`, `c = 0`. The `ρ^k`

 * term (floored at {@link IDENTITY_TERM_FLOOR}) restores the identity
 * initialisation of the zero-initialised average. An empty `D` counts as `max D = min D = 0`.
 *
 * @param mode - `'adaptive'` or `'tikhonov'`
 * @param values - retained eigenvalues (any order), finite
 * @param lambda - damping `λ ≥ 0`
 * @param decay - EA decay `ρ ∈ (0, 1)`
 * @param updates - number `k ≥ 0` of EA updates of the factor
 * @returns `{ mu, shift }`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an unknown mode or a parameter out of range
 *   (`decay` must lie in `(0, 1)`)
 * @throws {@link @bkfac/linalg!NonFiniteError} if `values` holds NaN or ±Infinity, or `μ` overflows float64
 * @example
 * ```ts
 * import { factorDamping } from '@bkfac/kfactors';
 * const { mu, shift } = factorDamping('adaptive', new Float64Array([4, 1]), 0.1, 0.5, 2);
 * console.log([mu, shift]); // [1.65, 1]
 * ```
 * @category Preconditioning
 */
export function factorDamping(
  mode: 'adaptive' | 'tikhonov',
  values: Float64Array,
  lambda: number,
  decay: number,
  updates: number,
): FactorDamping {
  const fn = 'factorDamping';
  if (mode !== 'adaptive' && mode !== 'tikhonov') {
    throw new InvalidArgumentError(fn, 'mode', "'adaptive' or 'tikhonov'", mode);
  }
  assertFiniteVector(fn, 'values', values);
  assertNumber(fn, 'lambda', lambda, 0);
  assertDecay(fn, 'decay', decay);
  assertInteger(fn, 'updates', updates, 0);
  const damping = factorDampingUnchecked(mode === 'adaptive', values, lambda, decay, updates);
  if (!Number.isFinite(damping.mu)) {
    throw new NonFiniteError(fn, 'result', 'μ = λ·max(values) + ρ^k + shift', damping.mu);
  }
  return damping;
}

/**
 * Checks an EA decay `ρ ∈ (0, 1)`: `ρ = 1` would keep the identity term `ρ^k = 1` forever, so no
 * average ever forms.
 * @internal
 */
export function assertDecay(fn: string, arg: string, decay: unknown): number {
  return assertNumber(fn, arg, decay, Number.MIN_VALUE, 1 - 2 ** -52);
}

/**
 * Unchecked kernel of {@link factorDamping}.
 * @internal
 */
export function factorDampingUnchecked(
  continuation: boolean,
  values: Float64Array,
  lambda: number,
  decay: number,
  updates: number,
): FactorDamping {
  let max = 0;
  let min = values.length > 0 ? Infinity : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const shift = continuation ? min : 0;
  return { mu: lambda * max + identityTerm(decay, updates) + shift, shift };
}
