/**
 * Damped inverse application of one factor and of
 * K-FAC's Kronecker-damped pair.
 * @module
 */
import { fromArray, gemm, lowRankSolve } from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import { factorDampingUnchecked, identityTerm } from './damping.js';
import type { FactorState } from './state.js';
import type { Workspace } from './workspace.js';

/**
 * `(Û + μI)⁻¹·M` (`side 'left'`) or `M·(Û + μI)⁻¹` (`'right'`) with the
 * factor's per-factor damping; `out` may be `m` itself. The adaptive mode
 * applies the inverse of `U·diag(D − c)·Uᵀ + μI`.
 * @internal
 */
export function applyFactorInverse(
  factor: FactorState,
  continuation: boolean,
  lambda: number,
  decay: number,
  m: Matrix,
  side: 'left' | 'right',
  out: Matrix,
  workspace: Workspace,
): Matrix {
  const d = factor.dim;
  const rank = factor.values.length;
  const { mu, shift } = factorDampingUnchecked(
    continuation,
    factor.values,
    lambda,
    decay,
    factor.updates,
  );
  let values = factor.values;
  if (shift !== 0) {
    values = workspace.buffer('shiftedValues', rank).subarray(0, rank);
    for (let i = 0; i < rank; i++) values[i] = factor.values[i]! - shift;
  }
  return lowRankSolve(values, fromArray(factor.vectors, [d, rank], 'col'), mu, m, {
    side,
    out,
    // The bases are produced (and on restore checked) by bkfac itself.
    orthonormalityCheck: 'off',
  });
}

/**
 * K-FAC's Kronecker-damped preconditioning:
 * `V = Q_G·[(Q_Gᵀ·∇W·Q_A) ⊘ (g·aᵀ + λ·max g·max a)]·Q_Aᵀ` with the identity-
 * initialised eigenvalues `g = D_G + ρ^{k_G}`, `a = D_A + ρ^{k_A}` (`k` at the
 * last decomposition). Both factors hold full eigenbases.
 * @internal
 */
export function kroneckerPrecondition(
  a: FactorState,
  g: FactorState,
  lambda: number,
  decay: number,
  gradient: Matrix,
  out: Matrix,
  workspace: Workspace,
): Matrix {
  const [rows, cols] = [g.dim, a.dim];
  const qa = fromArray(a.vectors, [cols, cols], 'col');
  const qg = fromArray(g.vectors, [rows, rows], 'col');
  const work = (name: 'kroneckerProduct' | 'kroneckerRotated'): Matrix =>
    fromArray(workspace.buffer(name, rows * cols).subarray(0, rows * cols), [rows, cols]);
  const rotated = gemm(qg, gemm(gradient, qa, { out: work('kroneckerProduct') }), {
    transA: true,
    out: work('kroneckerRotated'),
  });
  const ga = shiftedValues(g, decay);
  const aa = shiftedValues(a, decay);
  const damping = lambda * maxOf(ga) * maxOf(aa);
  const r = rotated.data;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) r[i * cols + j]! /= ga[i]! * aa[j]! + damping;
  }
  return gemm(gemm(qg, rotated, { out: work('kroneckerProduct') }), qa, { transB: true, out });
}

/** Identity-initialised eigenvalues `D + ρ^k` at the last decomposition. */
function shiftedValues(factor: FactorState, decay: number): Float64Array {
  const identity = identityTerm(decay, factor.refreshedAt);
  return Float64Array.from(factor.values, (v) => v + identity);
}

function maxOf(values: Float64Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  return max;
}
