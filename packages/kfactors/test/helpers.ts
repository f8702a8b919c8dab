/**
 * Dense, library-independent oracles for the K-factor tests: naive inverses,
 * exponential averages and the two K-FAC preconditioners on nested arrays.
 */
import ndarray from 'ndarray';
import type { Matrix } from '@bkfac/linalg';
import {
  add,
  diag,
  identityRows,
  jacobiEigenvalues,
  matOf,
  mul,
  normalStream,
  rowsOf,
  scale,
  transpose,
  zerosRows,
  type Rows,
} from '../../../test-support/reference';

/** Inverse by Gauss–Jordan elimination with partial pivoting (small n only). */
export function inverse(a: Rows): Rows {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...identityRows(n)[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((r) => r.slice(n));
}

/** `K + μI`. */
export function shifted(k: Rows, mu: number): Rows {
  return add(k, scale(identityRows(k.length), mu));
}

/** Largest eigenvalue of a symmetric matrix. */
export function lambdaMax(k: Rows): number {
  return jacobiEigenvalues(k)[0] ?? 0;
}

/** A random `n x d_A` input batch with its last column of ones (X̃). */
export function inputBatch(n: number, dIn: number, seed: number, scaleBy = 1): Rows {
  const g = normalStream(seed);
  return Array.from({ length: n }, () => [...Array.from({ length: dIn }, () => scaleBy * g()), 1]);
}

/** A random `n x d` batch of mean-loss gradients (rows of size ~1/n). */
export function gradientBatch(n: number, d: number, seed: number): Rows {
  const g = normalStream(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => g() / n));
}

/** `K_b`: `X̃ᵀX̃/n` (side A) or `n·EᵀE` (side G). */
export function batchStatistic(side: 'A' | 'G', b: Rows): Rows {
  const n = b.length;
  return scale(mul(transpose(b), b), side === 'A' ? 1 / n : n);
}

/** Zero-initialised EA over a list of batches: `K = Σ (1−ρ)ρ^{k−j} K_b^{(j)}`. */
export function zeroInitAverage(
  side: 'A' | 'G',
  batches: readonly Rows[],
  decay: number,
  d: number,
): Rows {
  let k = zerosRows(d, d);
  for (const b of batches) k = add(scale(k, decay), scale(batchStatistic(side, b), 1 - decay));
  return k;
}

/**
 * Dense per-factor-damped K-FAC: `(G + μ_G I)⁻¹ ∇W (A + μ_A I)⁻¹`
 * with `μ = λ·λ_max(K) + ρ^k`.
 */
export function perFactorReference(
  a: Rows,
  g: Rows,
  grad: Rows,
  lambda: number,
  decay: number,
  k: number,
): Rows {
  const muA = lambda * lambdaMax(a) + decay ** k;
  const muG = lambda * lambdaMax(g) + decay ** k;
  return mul(mul(inverse(shifted(g, muG)), grad), inverse(shifted(a, muA)));
}

/**
 * K-FAC's Kronecker-damped step by brute force: with identity-init
 * factors `A' = A + ρ^k I`, `G' = G + ρ^k I`, solve
 * `(A' ⊗ G' + λ·λ_max(G')·λ_max(A')·I) vec(V) = vec(∇W)` (column-major vec).
 */
export function kroneckerReference(
  a: Rows,
  g: Rows,
  grad: Rows,
  lambda: number,
  decay: number,
  k: number,
): Rows {
  const ai = shifted(a, decay ** k);
  const gi = shifted(g, decay ** k);
  const damping = lambda * lambdaMax(gi) * lambdaMax(ai);
  const system = shifted(kron(ai, gi), damping);
  const rows = g.length;
  const cols = a.length;
  const v = mul(
    inverse(system),
    vec(grad).map((x) => [x]),
  );
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => v[j * rows + i]![0]!),
  );
}

/** Kronecker product `A ⊗ B`. */
export function kron(a: Rows, b: Rows): Rows {
  const [p, q] = [b.length, b[0]!.length];
  const out = zerosRows(a.length * p, a[0]!.length * q);
  a.forEach((row, i) =>
    row.forEach((x, j) => {
      for (let s = 0; s < p; s++)
        for (let t = 0; t < q; t++) out[i * p + s]![j * q + t] = x * b[s]![t]!;
    }),
  );
  return out;
}

/** Column-major vectorisation. */
export function vec(m: Rows): number[] {
  const out: number[] = [];
  for (let j = 0; j < m[0]!.length; j++) for (const row of m) out.push(row[j]!);
  return out;
}

/** `‖X − Y‖_F / ‖Y‖_F`. */
export function relativeError(x: Rows, y: Rows): number {
  let num = 0;
  let den = 0;
  x.forEach((r, i) =>
    r.forEach((v, j) => {
      num += (v - y[i]![j]!) ** 2;
      den += y[i]![j]! ** 2;
    }),
  );
  return Math.sqrt(num / den);
}

/** A `rows x cols` column-major view (the layout of a factor's eigenvectors). */
export function columnMajorView(data: Float64Array, rows: number, cols: number): Matrix {
  return ndarray(data, [rows, cols], [1, rows], 0) as Matrix;
}

/** The factor's representation `U·diag(D)·Uᵀ` as rows. */
export function representation(values: Float64Array, vectors: Float64Array, d: number): Rows {
  const m = values.length;
  const u = rowsOf(columnMajorView(vectors, d, m));
  return mul(mul(u, diag(values)), transpose(u));
}

export { matOf, rowsOf };

/** Random `(X̃, E)` batches for `steps` steps. */
export function batches(
  steps: number,
  n: number,
  dIn: number,
  dOut: number,
  seed: number,
): { x: Rows[]; e: Rows[] } {
  return {
    x: Array.from({ length: steps }, (_, t) => inputBatch(n, dIn, seed + 7919 * t)),
    e: Array.from({ length: steps }, (_, t) => gradientBatch(n, dOut, seed + 104729 * t + 1)),
  };
}

/** `∇W = Eᵀ·X̃` (batch-mean loss: `E` carries the `1/n`). */
export function batchGradient(x: Rows, e: Rows): Rows {
  return mul(transpose(e), x);
}
