/**
 * Roots of the secular equation of a rank-one modified diagonal matrix,
 * `D + ρ·z·zᵀ` (`d` strictly increasing, `z_i ≠ 0`, `ρ > 0`):
 * `g(λ) = 1/ρ + Σ_r z_r²/(d_r − λ) = 0`, one root in each `(d_i, d_{i+1})`
 * and the last in `(d_{k−1}, d_{k−1} + ρ‖z‖²]`.
 *
 * Each root is kept as `λ_i = d_o + τ_i` with `o` the nearer pole, so that
 * every difference `d_r − λ_i = (d_r − d_o) − τ_i` is computed to high
 * relative accuracy: the differences feed the Gu–Eisenstat (Löwner)
 * reconstruction that keeps the merged eigenvectors orthogonal. Iteration:
 * Li's "middle way" rational model of the two nearest poles, safeguarded by
 * a bracket (Newton, then bisection, when the model step leaves it).
 * @module
 */
import { ConvergenceError } from '../core/errors.js';

const EPS = 2 ** -52;
/** Iterations per root; the middle way needs 3–6, bisection alone about 60. */
const MAX_ITERATIONS = 100;

/**
 * Solves for root `i` of `1/ρ + Σ_r z_r²/(d_r − λ)` over `d[0..k)`, `z[0..k)`.
 * Writes the pole index `o` to `origin[i]` and `τ = λ_i − d_o` to `tau[i]`.
 * @throws {@link ConvergenceError} after 100 iterations (not expected)
 * @internal
 */
export function secularRoot(
  fn: string,
  k: number,
  d: Float64Array,
  z: Float64Array,
  rho: number,
  i: number,
  origin: Int32Array,
  tau: Float64Array,
): void {
  const last = i === k - 1;
  let o = i;
  let lo = 0;
  let hi: number;
  if (last) {
    let zz = 0;
    for (let r = 0; r < k; r++) zz += z[r]! * z[r]!;
    hi = rho * zz;
  } else {
    // The root's side of the midpoint decides the origin.
    const half = 0.5 * (d[i + 1]! - d[i]!);
    let g = 1 / rho;
    for (let r = 0; r < k; r++) g += (z[r]! * z[r]!) / (d[r]! - d[i]! - half);
    if (g >= 0) {
      hi = half;
    } else {
      o = i + 1;
      lo = -half;
      hi = 0;
    }
  }
  const dO = d[o]!;
  let t = 0.5 * (lo + hi);
  for (let iteration = 0; ; iteration++) {
    if (iteration === MAX_ITERATIONS) {
      throw new ConvergenceError(fn, iteration, `secular equation root ${i} of ${k}`);
    }
    let psi = 0;
    let dpsi = 0;
    let phi = 0;
    let dphi = 0;
    for (let r = 0; r <= i; r++) {
      const q = z[r]! / (d[r]! - dO - t);
      psi += z[r]! * q;
      dpsi += q * q;
    }
    for (let r = i + 1; r < k; r++) {
      const q = z[r]! / (d[r]! - dO - t);
      phi += z[r]! * q;
      dphi += q * q;
    }
    const w = 1 / rho + psi + phi;
    // Bound on the rounding error of w (as in LAPACK's dlaed4).
    const bound = 8 * (phi - psi) + 2 / rho + 3 * Math.abs(w) + Math.abs(t) * (dpsi + dphi);
    if (Math.abs(w) <= EPS * bound) break;
    if (w > 0) hi = t;
    else lo = t;
    if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
    const di = d[i]! - dO - t;
    let eta: number;
    if (last) {
      eta = (di * w) / (w - di * dpsi);
    } else {
      const di1 = d[i + 1]! - dO - t;
      const c = w - di * dpsi - di1 * dphi;
      const a = (di + di1) * w - di * di1 * (dpsi + dphi);
      const b = di * di1 * w;
      if (c === 0) {
        eta = b / a;
      } else {
        const root = Math.sqrt(Math.abs(a * a - 4 * b * c));
        eta = a <= 0 ? (a - root) / (2 * c) : (2 * b) / (a + root);
      }
    }
    // The step must move against w; otherwise Newton; out of the bracket: bisection.
    if (!(w * eta < 0)) eta = -w / (dpsi + dphi);
    const next = t + eta;
    t = next > lo && next < hi ? next : 0.5 * (lo + hi);
  }
  origin[i] = o;
  tau[i] = t;
}
