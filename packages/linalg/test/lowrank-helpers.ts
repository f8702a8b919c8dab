/**
 * Dense helpers shared by the lowrank-*.test.ts files, built only on the
 * naive oracles of test-support/reference.ts.
 */
import {
  add,
  diag,
  frob,
  jacobiEigenvalues,
  matOf,
  mul,
  randomOrthonormal,
  randomRows,
  rowsOf,
  scale,
  sub,
  transpose,
  uniformStream,
  type Mat,
  type Rows,
} from '../../../test-support/reference';

export const EPS = 2.220446049250313e-16;

/** `V·diag(values)·Vᵀ` as rows. */
export function reconstruct(values: ArrayLike<number>, vectors: Mat): Rows {
  const v = rowsOf(vectors);
  if (values.length === 0) return v.map(() => v.map(() => 0));
  return mul(mul(v, diag(values)), transpose(v));
}

/** `U·diag(s)·Vᵀ` as rows. */
export function reconstructSvd(u: Mat, s: ArrayLike<number>, v: Mat): Rows {
  const ur = rowsOf(u);
  const vr = rowsOf(v);
  if (s.length === 0) return ur.map(() => vr.map(() => 0));
  return mul(mul(ur, diag(s)), transpose(vr));
}

/** `M·Mᵀ` as rows. */
export function gram(m: Rows): Rows {
  return mul(m, transpose(m));
}

/** Largest `|λ|` of a symmetric matrix (spectral norm), by Jacobi. */
export function spectralNorm(sym: Rows): number {
  const ev = jacobiEigenvalues(sym);
  return Math.max(Math.abs(ev[0] ?? 0), Math.abs(ev[ev.length - 1] ?? 0));
}

/** Spectral norm of a general matrix: `√λ_max(AᵀA)`. */
export function spectralNormGeneral(a: Rows): number {
  return Math.sqrt(Math.max(0, jacobiEigenvalues(mul(transpose(a), a))[0] ?? 0));
}

/** A random eigen-representation `{ values (descending, ≥ 0), vectors }` with `r` columns in `R^d`. */
export function randomRepresentation(
  d: number,
  r: number,
  seed: number,
  spread = 1,
): { values: Float64Array; vectors: Mat; rows: Rows } {
  const u = uniformStream(seed);
  const values = Float64Array.from({ length: r }, () => spread * u() + 1e-3)
    .sort()
    .reverse();
  const rows = r === 0 ? Array.from({ length: d }, () => []) : randomOrthonormal(d, r, seed + 7);
  return { values, vectors: matOf(rows, r), rows };
}

/** Random `rows x cols` Gaussian block as a matrix. */
export function randomBlock(rows: number, cols: number, seed: number): Mat {
  return matOf(randomRows(rows, cols, seed), cols);
}

/**
 * Distance of the orthogonal projector onto `span(V)` from the dense top-`k`
 * eigenprojector of `sym`, bounded by Davis–Kahan: `√2·‖K·V − V·Λ‖_F / gap`
 * with `gap = λ_k − λ_{k+1}` from Jacobi. Returns `Infinity` without a gap.
 */
export function projectorDistanceBound(sym: Rows, values: ArrayLike<number>, vectors: Mat): number {
  const k = values.length;
  const v = rowsOf(vectors);
  const residual = sub(mul(sym, v), mul(v, diag(values)));
  const ev = jacobiEigenvalues(sym);
  const gap = ev[k - 1]! - (ev[k] ?? 0);
  return gap > 0 ? (Math.SQRT2 * frob(residual)) / gap : Infinity;
}

/** Dense zero-initialised exponential average `Σ_j (1−ρ)ρ^{k−j} B_j B_jᵀ`, one step: `ρK + M Mᵀ`. */
export function decayAndAdd(k: Rows, rho: number, m: Rows): Rows {
  return add(scale(k, rho), gram(m));
}
