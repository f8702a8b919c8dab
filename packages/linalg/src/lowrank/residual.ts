/**
 * Splitting a block `M` against an orthonormal basis `V`:
 * `M = V·C + Q·R + E` with `Q ⟂ V` orthonormal and `‖E‖` at the drop
 * tolerance — the heart of every Brand update.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { copyInto, zeros } from '../core/matrix.js';
import { frobeniusNorm } from '../core/ops.js';
import { gemmUnchecked } from '../blas/gemm.js';
import { Workspace } from '../blas/workspace.js';
import { columnMajor } from '../dense/householder.js';
import { orthonormalizeColumns, qr } from '../dense/qr.js';
import { svd } from '../dense/svd.js';
import { leadingColumns } from './blocks.js';

/**
 * `M = V·coefficients + basis·residual (+ dropped part)`.
 * @internal
 */
export interface BasisSplit {
  /** `r x n`: the coordinates `VᵀM` of `M` in `span(V)`. */
  readonly coefficients: Matrix;
  /** `d x n'`: orthonormal basis of the part of `M` outside `span(V)`, `⟂ V`. */
  readonly basis: Matrix;
  /** `n' x n`: the coordinates of that part in `basis`. */
  readonly residual: Matrix;
}

const EPS = 2.220446049250313e-16;

/** The residual `P = M − V·VᵀM` lives here: it is `d x n`, the largest scratch of a Brand step. */
const residualScratch = new Workspace();

/**
 * The safeguarded split: (a) two projection
 * passes; (b) rank-revealing drop of residual directions with singular value
 * `≤ relTol·‖M‖_F` (thin QR of the residual, then an SVD of its small
 * triangle), keeping at most `d − r`; (c) re-orthogonalisation of the kept
 * directions against `V`. Step (c) is skipped when `‖VᵀQ‖_F` is already at
 * rounding level (`≤ 8·eps·√(r·n')`, the "twice is enough" criterion), which
 * is the common well-conditioned case; otherwise `Q = orth(Q − V·VᵀQ)` and
 * `R = QᵀP` are recomputed.
 * @internal
 */
export function splitStable(v: Matrix, m: Matrix, relTol: number): BasisSplit {
  const [d, r] = v.shape as [number, number];
  const n = m.shape[1]!;
  const { coefficients, p } = projectOnce(v, m);
  const correction = zeros(r, n, 'col');
  projectOutInPlace(v, p, correction);
  addInPlace(coefficients, correction);
  if (n === 0 || r === d) return withoutResidual(coefficients, d, n);

  const threshold = relTol * frobeniusNorm(m);
  const factored = qr(p);
  const small = svd(factored.r);
  let keep = 0;
  while (keep < small.s.length && small.s[keep]! > threshold) keep++;
  keep = Math.min(keep, d - r);
  if (keep === 0) return withoutResidual(coefficients, d, n);

  let basis = factored.q;
  let residual = factored.r;
  if (keep < basis.shape[1]!) {
    // Rotate onto the kept left singular directions of the residual.
    const rotation = leadingColumns(small.u, keep);
    basis = zeros(d, keep, 'col');
    gemmUnchecked(false, false, 1, factored.q, rotation, 0, basis);
    residual = zeros(keep, n, 'col');
    gemmUnchecked(true, false, 1, rotation, factored.r, 0, residual);
  }
  const overlap = zeros(r, keep, 'col');
  gemmUnchecked(true, false, 1, v, basis, 0, overlap);
  if (frobeniusNorm(overlap) <= 8 * EPS * Math.sqrt(r * keep)) {
    return { coefficients, basis, residual };
  }
  gemmUnchecked(false, false, -1, v, overlap, 1, basis);
  basis = orthonormalizeColumns(basis);
  residual = zeros(keep, n, 'col');
  gemmUnchecked(true, false, 1, basis, p, 0, residual);
  return { coefficients, basis, residual };
}

/**
 * The reference code's split: one projection
 * pass and a thin QR of the residual, `n' = min(n, d)` always. Loses
 * orthogonality to `V` when `M` is (nearly) inside `span(V)`.
 * @internal
 */
export function splitNaive(v: Matrix, m: Matrix): BasisSplit {
  const { coefficients, p } = projectOnce(v, m);
  const { q, r: residual } = qr(p);
  return { coefficients, basis: q, residual };
}

/** One projection pass: `C = VᵀM` and the residual `P = M − V·C` (in the shared scratch). */
function projectOnce(v: Matrix, m: Matrix): { coefficients: Matrix; p: Matrix } {
  const [d, r] = v.shape as [number, number];
  const n = m.shape[1]!;
  const coefficients = zeros(r, n, 'col');
  const p = columnMajor(residualScratch.get(d * n), d, n, 0);
  copyInto(p, m);
  projectOutInPlace(v, p, coefficients);
  return { coefficients, p };
}

/** `coeff = VᵀP`, then `P ← P − V·coeff`. */
function projectOutInPlace(v: Matrix, p: Matrix, coeff: Matrix): void {
  gemmUnchecked(true, false, 1, v, p, 0, coeff);
  gemmUnchecked(false, false, -1, v, coeff, 1, p);
}

function withoutResidual(coefficients: Matrix, d: number, n: number): BasisSplit {
  return { coefficients, basis: zeros(d, 0, 'col'), residual: zeros(0, n, 'col') };
}

/** `a ← a + b` for two contiguous column-major matrices of equal shape. */
function addInPlace(a: Matrix, b: Matrix): void {
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < ad.length; i++) ad[i]! += bd[i]!;
}
