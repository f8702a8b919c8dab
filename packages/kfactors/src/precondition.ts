/**
 * Layer preconditioning with per-layer RMS
 * clipping, dense and factored.
 * @module
 */
import {
  gemm,
  InvalidArgumentError,
  NonFiniteError,
  normMax,
  reportedAs,
  scale as scaledCopy,
  ShapeError,
  syrk,
  zeros,
  fromArray,
} from '@bkfac/linalg';
import { assertDisjoint, assertFinite, assertMatrix, assertShape } from '@bkfac/linalg/validate';
import type { Matrix } from '@bkfac/linalg';
import { clipScale, rmsOf } from './clipping.js';
import { factorDampingUnchecked } from './damping.js';
import { applyFactorInverse, kroneckerPrecondition } from './inverse.js';
import type { LayerState } from './state.js';
import { assertLayerState, assertUnitEntries } from './state-check.js';
import { checkBatch } from './statistics.js';
import { workspaceOf } from './workspace.js';
import type { Workspace } from './workspace.js';

/**
 * A preconditioned, clipped weight update `V` (bias in the last column).
 *
 * @example
 * ```ts
 * import { createLayerState, precondition, updateLayer, type PreconditionResult } from '@bkfac/kfactors';
 * import { fromRows } from '@bkfac/linalg';
 * const state = createLayerState({ strategy: 'kfac', clip: 0.01 }, { inputDim: 2, outputDim: 1, batchSize: 2 });
 * updateLayer(state, { step: 0, epoch: 0 }, { inputs: fromRows([[1, 1], [-1, 1]]), gradients: fromRows([[0.1], [0.3]]) });
 * const r: PreconditionResult = precondition(state, fromRows([[0.2, 0.1]]));
 * console.log([r.rms > 0.01, Math.abs(r.rms * r.scale - 0.01) < 1e-15]); // [true, true]
 * ```
 * @category Preconditioning
 */
export interface PreconditionResult {
  /** `V = ν·(Γ̂ + μ_G I)⁻¹·∇W·(Â + μ_A I)⁻¹`, `d_out x d_A`. */
  readonly update: Matrix;
  /** RMS of the update before clipping. */
  readonly rms: number;
  /** Clipping factor `ν = min(1, κ/rms)` already applied (1 without clipping). */
  readonly scale: number;
}

/**
 * Options of {@link precondition}.
 *
 * @example
 * ```ts
 * import { createLayerState, createWorkspace, precondition, updateLayer, type PreconditionOptions } from '@bkfac/kfactors';
 * import { fromRows, zeros } from '@bkfac/linalg';
 * const state = createLayerState({ strategy: 'kfac' }, { inputDim: 2, outputDim: 1, batchSize: 2 });
 * updateLayer(state, { step: 0, epoch: 0 }, { inputs: fromRows([[1, 1], [-1, 1]]), gradients: fromRows([[0.1], [0.3]]) });
 * const options: PreconditionOptions = { out: zeros(1, 2), workspace: createWorkspace() };
 * console.log(precondition(state, fromRows([[0.2, 0.1]]), options).update === options.out); // true
 * ```
 * @category Preconditioning
 */
export interface PreconditionOptions {
  /** `d_out x d_A` output, overwritten and returned (may be the gradient itself). */
  readonly out?: Matrix;
  /** Scratch memory reused across calls (default: a fresh one per call), see {@link Workspace}. */
  readonly workspace?: Workspace;
}

/**
 * The preconditioned gradient of a layer,
 * `V = (Γ̂ + μ_G I)⁻¹·∇W·(Â + μ_A I)⁻¹` (G on the left, A on the right, each
 * with its own damping per `dampingMode`; `kfac` with `'kronecker'` uses Kronecker-factored damping),
 * then clipped per layer: `V ← min(1, κ/RMS(V))·V`. Cost
 * `≈ 4·d_out·d_A·(m_G + m_A)` flops (cubic in width for `kfac`).
 *
 * @param state - a layer state updated at least once by {@link updateLayer}
 * @param gradient - `∇W`, `d_out x d_A` (bias gradient in the last column), any strides
 * @param options - optional output buffer and workspace
 * @returns the update, its pre-clip RMS and the clip factor
 * @throws {@link @bkfac/linalg!ShapeError} if `gradient` or `out` is not `d_out x d_A`
 * @throws {@link @bkfac/linalg!NonFiniteError} if `gradient` holds NaN or ±Infinity, or the update overflows
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if a factor has never been refreshed (no step-0 update yet), or `options` is not an object or holds something other than a Workspace as `workspace`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `state` is not a layer state from `createLayerState`/`restoreLayer` (wrong kinds, sizes or bookkeeping)
 * @example
 * ```ts
 * import { createLayerState, precondition, updateLayer } from '@bkfac/kfactors';
 * import { fromRows } from '@bkfac/linalg';
 * const state = createLayerState({ strategy: 'rs-kfac', rank: 2, clip: null }, { inputDim: 2, outputDim: 1, batchSize: 2 });
 * const x = fromRows([[0.5, 1], [-1, 1]]);
 * const e = fromRows([[0.1], [-0.2]]);
 * updateLayer(state, { step: 0, epoch: 0 }, { inputs: x, gradients: e });
 * const { update } = precondition(state, fromRows([[0.25, -0.1]]));
 * console.log(update.shape); // [1, 2]
 * ```
 * @category Preconditioning
 */
export function precondition(
  state: LayerState,
  gradient: Matrix,
  options: PreconditionOptions = {},
): PreconditionResult {
  const fn = 'precondition';
  assertLayerState(fn, 'state', state);
  const { inputDim: cols, outputDim: rows } = state;
  assertShape(fn, 'gradient', gradient, [rows, cols]);
  assertFinite(fn, 'gradient', gradient);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(fn, 'options', 'an object { out?, workspace? }', options);
  }
  const workspace = workspaceOf(fn, 'options.workspace', options.workspace);
  if (options.out !== undefined) assertShape(fn, 'options.out', options.out, [rows, cols]);
  checkRefreshed(fn, state);
  // With a caller's `out` (possibly the gradient itself) the update is formed in scratch and
  // copied only once it is known to be finite: a failed call leaves every argument as it was.
  const out =
    options.out === undefined
      ? zeros(rows, cols)
      : fromArray(workspace.buffer('update', rows * cols).subarray(0, rows * cols), [rows, cols]);
  const { a, g, config, damping: lambda } = state;
  // The state is checked above, so what can still fail here is the gradient's magnitude.
  reportedAs(fn, 'gradient', () => {
    if (config.dampingMode === 'kronecker') {
      kroneckerPrecondition(a, g, lambda, config.decay, gradient, out, workspace);
      return;
    }
    const adaptive = config.dampingMode === 'adaptive';
    const left = fromArray(workspace.buffer('left', rows * cols).subarray(0, rows * cols), [
      rows,
      cols,
    ]);
    applyFactorInverse(g, adaptive, lambda, config.decay, gradient, 'left', left, workspace);
    applyFactorInverse(a, adaptive, lambda, config.decay, left, 'right', out, workspace);
  });
  const rms = rmsOf(out, rows * cols);
  if (!Number.isFinite(rms)) throw new NonFiniteError(fn, 'result', 'the update', rms);
  const scale = config.clip === null ? 1 : clipScale(rms, config.clip);
  const update = options.out ?? out;
  if (update !== out || scale !== 1) scaleInto(update, out, scale);
  return { update, rms, scale };
}

/**
 * A preconditioned update in factored form, `V = left·rightᵀ` (rank ≤ `n`),
 * with the clip factor already folded into `left`.
 *
 * @example
 * ```ts
 * import { expandFactored, type FactoredUpdate } from '@bkfac/kfactors';
 * import { fromRows, toRows } from '@bkfac/linalg';
 * const f: FactoredUpdate = { left: fromRows([[2]]), right: fromRows([[1], [3]]), rms: 1, scale: 1 };
 * console.log(toRows(expandFactored(f))); // [[2, 6]]
 * ```
 * @category Preconditioning
 */
export interface FactoredUpdate {
  /** `L = ν·(Γ̂ + μ_G I)⁻¹·Eᵀ`, `d_out x n`. */
  readonly left: Matrix;
  /** `R = (Â + μ_A I)⁻¹·X̃ᵀ`, `d_A x n`. */
  readonly right: Matrix;
  /** RMS of `L·Rᵀ` before clipping, from the factors alone. */
  readonly rms: number;
  /** Clipping factor `ν` (folded into `left`). */
  readonly scale: number;
}

/**
 * The linear-in-width preconditioning for a layer whose gradient is
 * the batch gradient `∇W = Eᵀ·X̃` (mean loss, so `E` already carries the `1/n`):
 * `V = L·Rᵀ` with `L = (Γ̂ + μ_G I)⁻¹·Eᵀ` and `R = (Â + μ_A I)⁻¹·X̃ᵀ`, each
 * `O(d·m·n)`; the clipping RMS is `√(trace((LᵀL)(RᵀR)) / (d_out·d_A))` in
 * `O((d_out + d_A)·n²)`, so `V` is never formed. Equals {@link precondition}
 * on `Eᵀ·X̃` (per-factor damping modes only).
 *
 * @param state - a layer state updated at least once by {@link updateLayer}
 * @param inputs - `X̃`, `n x d_A`
 * @param gradients - `E`, `n x d_out` (gradients of the batch-mean loss)
 * @param options - optional `workspace` (see {@link Workspace})
 * @returns `{ left, right, rms, scale }` with `V = left·rightᵀ` (fresh matrices)
 * @throws {@link @bkfac/linalg!ShapeError} if the batches have the wrong widths, no rows, or different `n`
 * @throws {@link @bkfac/linalg!NonFiniteError} if a batch holds NaN or ±Infinity
 * @throws {@link @bkfac/linalg!InvalidArgumentError} with `'kronecker'` damping (not a Kronecker product of
 *   per-factor inverses) or if a factor has never been refreshed
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `state` is not a layer state from `createLayerState`/`restoreLayer` (wrong kinds, sizes or bookkeeping)
 * @example
 * ```ts
 * import { createLayerState, expandFactored, precondition, preconditionFactored, updateLayer } from '@bkfac/kfactors';
 * import { fromRows, gemm } from '@bkfac/linalg';
 * const state = createLayerState({ strategy: 'b-kfac', rank: 1, brandRule: 'force' }, { inputDim: 2, outputDim: 2, batchSize: 2 });
 * const x = fromRows([[0.5, 1], [-1, 1]]);
 * const e = fromRows([[0.1, 0], [-0.2, 0.3]]);
 * updateLayer(state, { step: 0, epoch: 0 }, { inputs: x, gradients: e });
 * const v = expandFactored(preconditionFactored(state, x, e));
 * const dense = precondition(state, gemm(e, x, { transA: true })).update;
 * console.log(Math.abs(v.get(1, 0) - dense.get(1, 0)) < 1e-12); // true
 * ```
 * @category Preconditioning
 */
export function preconditionFactored(
  state: LayerState,
  inputs: Matrix,
  gradients: Matrix,
  options: { readonly workspace?: Workspace } = {},
): FactoredUpdate {
  const fn = 'preconditionFactored';
  assertLayerState(fn, 'state', state);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(fn, 'options', 'an object { workspace? }', options);
  }
  const workspace = workspaceOf(fn, 'options.workspace', options.workspace);
  const { inputDim: cols, outputDim: rows, a, g, config, damping: lambda } = state;
  const n = checkBatch(fn, 'inputs', inputs, cols);
  const ng = checkBatch(fn, 'gradients', gradients, rows);
  if (ng !== n) {
    throw new InvalidArgumentError(fn, 'gradients', `${n} rows, as many as inputs`, `${ng} rows`);
  }
  if (config.dampingMode === 'kronecker') {
    throw new InvalidArgumentError(
      fn,
      'state.config.dampingMode',
      "'adaptive' or 'tikhonov' (Kronecker damping does not factor; use precondition)",
      config.dampingMode,
    );
  }
  checkRefreshed(fn, state);
  const adaptive = config.dampingMode === 'adaptive';
  const solve = (factor: LayerState['a'], batch: Matrix, arg: string): Matrix =>
    reportedAs(fn, arg, () =>
      applyFactorInverse(
        factor,
        adaptive,
        lambda,
        config.decay,
        batch.transpose(1, 0),
        'left',
        zeros(factor.dim, n, 'col'),
        workspace,
      ),
    );
  const left = solve(g, gradients, 'gradients');
  const right = solve(a, inputs, 'inputs');
  const count = rows * cols;
  let rms = NaN;
  try {
    rms = Math.sqrt(squaredFrobeniusOfProduct(left, right) / count);
  } catch (e) {
    if (!(e instanceof NonFiniteError)) throw e;
  }
  if (!Number.isFinite(rms)) {
    // ‖L·Rᵀ‖_F² beyond float64 (a tiny damping amplifies both sides): form it on L, R scaled to max 1.
    const [sl, sr] = [normMax(left), normMax(right)];
    const unit = squaredFrobeniusOfProduct(scaledCopy(left, 1 / sl), scaledCopy(right, 1 / sr));
    rms = sl * sr * Math.sqrt(unit / count);
  }
  if (!Number.isFinite(rms)) throw new NonFiniteError(fn, 'result', 'the update', rms);
  const scale = config.clip === null ? 1 : clipScale(rms, config.clip);
  if (scale !== 1) scaleInto(left, left, scale);
  return { left, right, rms, scale };
}

/**
 * The dense update `V = left·rightᵀ` of a {@link FactoredUpdate}
 * (`O(d_out·d_A·n)`; an optimizer may instead apply `W ← W − lr·L·Rᵀ` as one GEMM).
 *
 * @param update - a factored update
 * @param out - optional `d_out x d_A` output
 * @returns `out` or a fresh matrix
 * @throws {@link @bkfac/linalg!ShapeError} if the factors' column counts differ or `out` has the wrong shape
 * @throws {@link @bkfac/linalg!NonFiniteError} if a factor holds NaN or ±Infinity
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `update` is not an object or `out` overlaps a factor
 * @example
 * ```ts
 * import { expandFactored } from '@bkfac/kfactors';
 * import { fromRows, toRows } from '@bkfac/linalg';
 * console.log(toRows(expandFactored({ left: fromRows([[1], [2]]), right: fromRows([[3]]), rms: 0, scale: 1 }))); // [[3], [6]]
 * ```
 * @category Preconditioning
 */
export function expandFactored(update: FactoredUpdate, out?: Matrix): Matrix {
  const fn = 'expandFactored';
  if (typeof update !== 'object' || update === null) {
    throw new InvalidArgumentError(fn, 'update', 'a factored update { left, right }', update);
  }
  const [rows, n] = assertMatrix(fn, 'update.left', update.left);
  const [cols, nr] = assertMatrix(fn, 'update.right', update.right);
  if (nr !== n)
    throw new ShapeError(
      fn,
      'update.right',
      `[d_A, ${n}] (as many columns as update.left)`,
      `[${cols}, ${nr}]`,
    );
  assertFinite(fn, 'update.left', update.left);
  assertFinite(fn, 'update.right', update.right);
  if (out !== undefined) {
    assertShape(fn, 'out', out, [rows, cols]);
    assertDisjoint(fn, 'out', out, 'update.left', update.left);
    assertDisjoint(fn, 'out', out, 'update.right', update.right);
  }
  return reportedAs(fn, 'update', () =>
    gemm(update.left, update.right, { transB: true, ...(out === undefined ? {} : { out }) }),
  );
}

/** `‖L·Rᵀ‖_F² = trace((LᵀL)(RᵀR)) = Σ_ij (LᵀL)_ij (RᵀR)_ij` (both symmetric), never negative. */
function squaredFrobeniusOfProduct(left: Matrix, right: Matrix): number {
  const pl = syrk(left, { trans: true }).data;
  const pr = syrk(right, { trans: true }).data;
  let trace = 0;
  for (let i = 0; i < pl.length; i++) trace += pl[i]! * pr[i]!;
  return Math.max(trace, 0);
}

/** Both factors hold a finite decomposition whose damping `μ` is a float64 (a corrupt state may not). */
function checkRefreshed(fn: string, state: LayerState): void {
  for (const factor of [state.a, state.g]) {
    if (factor.refreshedAt < 0) {
      throw new InvalidArgumentError(
        fn,
        'state',
        `a layer whose ${factor.side} factor has been refreshed (call updateLayer at step 0 first)`,
        'a state without a decomposition',
      );
    }
    const { decay, dampingMode } = state.config;
    const adaptive = dampingMode === 'adaptive';
    const { mu } = factorDampingUnchecked(
      adaptive,
      factor.values,
      state.damping,
      decay,
      factor.updates,
    );
    if (!Number.isFinite(mu)) {
      throw new NonFiniteError(fn, 'state', `the damping μ of its ${factor.side} factor`, mu);
    }
    assertUnitEntries(fn, `state.${factor.side.toLowerCase()}.vectors`, factor.vectors);
  }
}

/** `dst = s·src` entry by entry (any strides; `dst` may be `src`). */
function scaleInto(dst: Matrix, src: Matrix, s: number): void {
  const [m, n] = src.shape as [number, number];
  const [s0, s1] = src.stride as [number, number];
  const [t0, t1] = dst.stride as [number, number];
  const sd = src.data;
  const dd = dst.data;
  for (let i = 0; i < m; i++) {
    for (
      let j = 0, p = src.offset + i * s0, q = dst.offset + i * t0;
      j < n;
      j++, p += s1, q += t1
    ) {
      dd[q] = s * sd[p]!;
    }
  }
}
