/**
 * Brand's low-rank symmetric eigen-update.
 * @module
 */
import { reportedAs } from '../core/reported-as.js';
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { InvalidArgumentError } from '../core/errors.js';
import { assertFinite, assertInteger, assertNumber, assertShape } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { syrkUnchecked } from '../blas/syrk.js';
import { eigh } from '../dense/eigh.js';
import { rotateInto, stackRows } from './blocks.js';
import { assertEigenPairs, assertObject } from './check-representation.js';
import type { OrthonormalityOptions } from './orthogonality.js';
import { splitNaive, splitStable } from './residual.js';
import { assertOutputBuffers, outputFor } from './output.js';
import type { LowRankEigen } from './types.js';

const EPS = 2.220446049250313e-16;

/**
 * How a Brand update treats the part of the new block outside `span(V)`:
 * `'stable'` (default) is a three-step safeguard —
 * a second projection pass, a rank-revealing drop of residual directions
 * below `tolerance·‖M‖_F`, and a re-orthogonalisation of the kept directions
 * against `V` — so the output stays orthonormal to rounding for any input
 * and has `r + n'` columns (`n'` the numerical rank of the residual).
 * `'naive'` is the reference code's step (one projection pass, thin QR of the
 * residual, always `r + n` columns, requires `r + n ≤ d`): slightly cheaper,
 * but its basis loses orthogonality (`‖VᵀV − I‖₂ ≈ 1`) when the block lies
 * (nearly) inside `span(V)`. Use it only to reproduce the reference.
 *
 * @example
 * ```ts
 * import type { BrandResidual } from '@bkfac/linalg';
 * const mode: BrandResidual = 'stable';
 * console.log(mode); // stable
 * ```
 * @category Low-rank and online decompositions
 */
export type BrandResidual = 'stable' | 'naive';

/**
 * Options of {@link brandEighUpdate}.
 * @category Low-rank and online decompositions
 */
export interface BrandEighOptions extends OrthonormalityOptions {
  /** Factor `ρ ≥ 0` applied to the previous eigenvalues (default `1`; `ρ` of an exponential average). */
  decay?: number;
  /** Keep only the `rank` largest eigenpairs, an integer in `[1, d]` (default: keep all `r + n'`). */
  rank?: number;
  /**
   * Relative drop tolerance of the residual: directions with singular value
   * `≤ tolerance·‖M‖_F` are discarded (default `max(d, n)·eps`, in `[0, 1]`).
   */
  tolerance?: number;
  /** Residual handling (default `'stable'`, see {@link BrandResidual}). */
  residual?: BrandResidual;
  /**
   * Buffers the result is written into, so a steady-state update loop does
   * not allocate its output: `vectors` is `d x c` (column-major advised) and
   * `values` has length `≥ c`, with `c ≥ min(rank, r + n, d)` (checked before
   * any work). The result's `vectors` is a view of the first columns of
   * `out.vectors`, `values` a subarray of `out.values`. Neither may share an
   * element with `prev` or `m` (checked): alternate two buffers between calls
   * (ping-pong).
   */
  out?: LowRankEigen;
}

/**
 * Brand update of a low-rank eigendecomposition: the eigenpairs of
 * `K⁺ = ρ·V·diag(λ)·Vᵀ + M·Mᵀ` from `prev = (λ, V)` and a block `M`, in
 * `O(d·(r+n)² + (r+n)³)` — linear in `d`, never forming a `d x d` matrix.
 * Without `rank` the result is exact: `V⁺·diag(λ⁺)·V⁺ᵀ = K⁺` up to the drop
 * tolerance, with `r + n'` columns; with `rank = k` it is the best rank-`k`
 * approximation of `K⁺` (Eckart–Young). The output basis stays orthonormal to
 * rounding even when `M` lies in or near `span(V)`, has graded or duplicated
 * columns, or `n > d` (see {@link BrandResidual}). An empty start (`r = 0`)
 * gives the eigendecomposition of `M·Mᵀ`.
 *
 * Allocation: the largest scratch (the `d x n` residual) is reused between
 * calls and `options.out` receives the result; the thin QR of the residual
 * still allocates `O(d·n)` per call.
 *
 * @param prev - `{ values: r, vectors: d x r }` with orthonormal `vectors`
 *   (checked per `orthonormalityCheck`, default a cheap probe); `r` may be 0
 * @param m - `d x n` block (any strides); `n` may exceed `d` or be 0
 * @param options - `decay`, `rank`, `tolerance`, `residual`, `out` and the orthonormality check
 * @returns `{ values, vectors }`: `k = min(rank, r + n')` eigenpairs, values descending
 *   (fresh arrays, or views of `options.out`)
 * @throws {@link ShapeError} if `prev.vectors`, `prev.values`, `m` or `out` have inconsistent shapes
 * @throws {@link InvalidArgumentError} if `prev.vectors` is not orthonormal within the
 *   tolerance, `decay < 0`, `rank ∉ [1, d]`, an option is invalid, or `out` overlaps `prev` or `m`
 * @throws {@link NonFiniteError} if `prev` or `m` holds NaN or ±Infinity
 * @throws {@link InvalidArgumentError} naming `m` if the updated eigenvalues exceed the float64 range
 * @throws {@link ConvergenceError} if the small core eigensolver does not converge
 * @example
 * ```ts
 * import { brandEighUpdate, fromRows, zeros } from '@bkfac/linalg';
 * let k = { values: new Float64Array(0), vectors: zeros(3, 0) };
 * k = brandEighUpdate(k, fromRows([[2], [0], [0]])); // K = 4·e1·e1ᵀ
 * k = brandEighUpdate(k, fromRows([[0], [1], [0]]), { decay: 0.5 }); // 2·e1e1ᵀ + e2e2ᵀ
 * console.log(Array.from(k.values).map((x) => +x.toFixed(12))); // [2, 1]
 * ```
 * @category Low-rank and online decompositions
 */
export function brandEighUpdate(
  prev: LowRankEigen,
  m: Matrix,
  options?: BrandEighOptions,
): LowRankEigen {
  options = optionsObject('brandEighUpdate', options);
  const fn = 'brandEighUpdate';
  assertObject(fn, 'prev', prev, 'an object { values, vectors }');
  const [d, r] = assertEigenPairs(
    fn,
    'prev.values',
    'prev.vectors',
    prev.values,
    prev.vectors,
    options,
  );
  const n = assertShape(fn, 'm', m, [d, null])[1];
  assertFinite(fn, 'm', m);
  const decay = assertNumber(fn, 'options.decay', options.decay ?? 1, 0);
  const rank =
    options.rank === undefined ? d : assertInteger(fn, 'options.rank', options.rank, 1, d);
  const tolerance = assertNumber(
    fn,
    'options.tolerance',
    options.tolerance ?? Math.max(d, n) * EPS,
    0,
    1,
  );
  const residual = options.residual ?? 'stable';
  if (residual !== 'stable' && residual !== 'naive') {
    throw new InvalidArgumentError(fn, 'options.residual', "'stable' or 'naive'", residual);
  }
  if (residual === 'naive' && r + n > d) {
    throw new InvalidArgumentError(
      fn,
      'options.residual',
      `'stable' when r + n > d (${r} + ${n} > ${d})`,
      residual,
    );
  }
  if (options.out !== undefined) {
    assertOutputBuffers(fn, options.out, d, Math.min(rank, r + n, d), [
      ['prev.values', prev.values],
      ['prev.vectors', prev.vectors],
      ['m', m],
    ]);
  }

  const v = prev.vectors;
  const split = reportedAs(fn, 'm', () =>
    residual === 'naive' ? splitNaive(v, m) : splitStable(v, m, tolerance),
  );
  const total = r + split.basis.shape[1]!;
  // Core = ρ·diag(λ, 0) + B·Bᵀ with B = [C; R], since M = [V Q]·B.
  const core = zeros(total, total);
  syrkUnchecked(false, 1, stackRows(split.coefficients, split.residual), 0, core);
  for (let i = 0; i < r; i++) core.data[i * total + i]! += decay * prev.values[i]!;
  assertRepresentable(fn, core);
  const k = Math.min(rank, total);
  const eig = reportedAs(fn, 'm', () => eigh(core, { top: k }));
  const result = outputFor(options.out, d, k);
  rotateInto(result.vectors, v, split.basis, eig.vectors);
  result.values.set(eig.values);
  return result;
}

/**
 * The core holds the updated matrix's energy; an infinite entry means the
 * update's eigenvalues exceed float64 (finite `M` and `λ` can still overflow).
 */
function assertRepresentable(fn: string, core: Matrix): void {
  if (core.data.some((x) => !Number.isFinite(x))) {
    throw new InvalidArgumentError(
      fn,
      'm',
      'an update whose eigenvalues fit in float64 (at most 1.8e308)',
      'entries whose products overflow',
    );
  }
}
