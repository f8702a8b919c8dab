/**
 * Dense float64 reference computations for tests. Deliberately naive and
 * independent of the library's kernels, so a bug in a kernel cannot hide in
 * its own oracle. Matrices here are nested arrays of rows (`number[][]`).
 */
import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import fc from 'fast-check';

export type Rows = number[][];
export type Mat = NdArray<Float64Array>;

export const EPS = 2.220446049250313e-16;

/** Converts a matrix with any strides to rows (no library code involved). */
export function rowsOf(a: Mat): Rows {
  const [m, n] = a.shape as [number, number];
  const out: Rows = [];
  for (let i = 0; i < m; i++) {
    const r: number[] = [];
    for (let j = 0; j < n; j++) r.push(a.data[a.offset + i * a.stride[0]! + j * a.stride[1]!]!);
    out.push(r);
  }
  return out;
}

/** Row-major matrix from rows (no library code involved). */
export function matOf(rows: Rows, cols = rows[0]?.length ?? 0): Mat {
  const m = rows.length;
  const data = new Float64Array(m * cols);
  rows.forEach((r, i) => r.forEach((v, j) => (data[i * cols + j] = v)));
  return ndarray(data, [m, cols], [cols, 1], 0);
}

/**
 * The same values as `a` stored in an adversarial layout: transposed storage
 * with a non-zero offset inside a larger buffer. Use to check that routines
 * honour strides and offsets.
 */
export function awkwardView(rows: Rows, cols = rows[0]?.length ?? 0): Mat {
  const m = rows.length;
  const pad = 3;
  const ld = m + 2; // column-major with a leading dimension larger than m
  const data = new Float64Array(pad + ld * cols + 5).fill(Number.NaN);
  for (let i = 0; i < m; i++) for (let j = 0; j < cols; j++) data[pad + i + j * ld] = rows[i]![j]!;
  return ndarray(data, [m, cols], [1, ld], pad);
}

export function zerosRows(m: number, n: number): Rows {
  return Array.from({ length: m }, () => new Array<number>(n).fill(0));
}

export function identityRows(n: number): Rows {
  const r = zerosRows(n, n);
  for (let i = 0; i < n; i++) r[i]![i] = 1;
  return r;
}

export function transpose(a: Rows): Rows {
  const m = a.length;
  const n = a[0]?.length ?? 0;
  const t = zerosRows(n, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j]![i] = a[i]![j]!;
  return t;
}

/** Naive triple-loop product. `cols` of the result needed when `a` has no rows. */
export function mul(a: Rows, b: Rows): Rows {
  const m = a.length;
  const k = b.length;
  const n = b[0]?.length ?? 0;
  const c = zerosRows(m, n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const aip = a[i]![p]!;
      for (let j = 0; j < n; j++) c[i]![j]! += aip * b[p]![j]!;
    }
  return c;
}

export function sub(a: Rows, b: Rows): Rows {
  return a.map((r, i) => r.map((v, j) => v - b[i]![j]!));
}

export function add(a: Rows, b: Rows): Rows {
  return a.map((r, i) => r.map((v, j) => v + b[i]![j]!));
}

export function scale(a: Rows, s: number): Rows {
  return a.map((r) => r.map((v) => v * s));
}

export function frob(a: Rows): number {
  let s = 0;
  for (const r of a) for (const v of r) s += v * v;
  return Math.sqrt(s);
}

export function maxAbs(a: Rows): number {
  let s = 0;
  for (const r of a) for (const v of r) s = Math.max(s, Math.abs(v));
  return s;
}

/** ‖QᵀQ − I‖_F for a matrix with orthonormal columns. */
export function orthogonalityError(q: Rows): number {
  const n = q[0]?.length ?? 0;
  return frob(sub(mul(transpose(q), q), identityRows(n)));
}

/** Diagonal matrix from values. */
export function diag(values: ArrayLike<number>): Rows {
  const n = values.length;
  const d = zerosRows(n, n);
  for (let i = 0; i < n; i++) d[i]![i] = values[i]!;
  return d;
}

/** Deterministic uniform stream (mulberry32) so tests need no library RNG. */
export function uniformStream(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gaussian stream (Box–Muller over {@link uniformStream}). */
export function normalStream(seed: number): () => number {
  const u = uniformStream(seed);
  return () => {
    const a = Math.max(u(), 1e-300);
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
  };
}

export function randomRows(m: number, n: number, seed: number): Rows {
  const g = normalStream(seed);
  return Array.from({ length: m }, () => Array.from({ length: n }, g));
}

/**
 * Random `m x n` matrix with orthonormal columns (n <= m), by modified
 * Gram–Schmidt applied twice to a Gaussian matrix.
 */
export function randomOrthonormal(m: number, n: number, seed: number): Rows {
  const a = randomRows(m, n, seed);
  const cols = transpose(a);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < j; i++) {
        let d = 0;
        for (let t = 0; t < m; t++) d += cols[i]![t]! * cols[j]![t]!;
        for (let t = 0; t < m; t++) cols[j]![t]! -= d * cols[i]![t]!;
      }
      let nrm = 0;
      for (let t = 0; t < m; t++) nrm += cols[j]![t]! ** 2;
      nrm = Math.sqrt(nrm);
      for (let t = 0; t < m; t++) cols[j]![t]! /= nrm;
    }
  }
  return transpose(cols);
}

/** Symmetric `Q diag(values) Qᵀ` with a random orthogonal `Q`. */
export function symmetricWithSpectrum(values: readonly number[], seed: number): Rows {
  const n = values.length;
  const q = randomOrthonormal(n, n, seed);
  const s = mul(mul(q, diag(values)), transpose(q));
  // exact symmetry
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) s[j]![i] = s[i]![j]!;
  return s;
}

/** `U diag(s) Vᵀ` for random orthonormal U (m x k), V (n x k). */
export function matrixWithSingularValues(
  m: number,
  n: number,
  s: readonly number[],
  seed: number,
): Rows {
  const k = s.length;
  const u = randomOrthonormal(m, k, seed);
  const v = randomOrthonormal(n, k, seed + 1);
  return mul(mul(u, diag(s)), transpose(v));
}

/**
 * Eigenvalues of a symmetric matrix by the cyclic Jacobi method: slow,
 * simple, accurate. Returns them in descending order. Use for n <= ~80.
 */
export function jacobiEigenvalues(sym: Rows): number[] {
  const n = sym.length;
  const a = sym.map((r) => r.slice());
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! ** 2;
    if (off === 0 || Math.sqrt(off) < 1e-300) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]!).sort((x, y) => y - x);
}

/** Singular values (descending) via Jacobi eigenvalues of AᵀA or AAᵀ (fine for tests with moderate κ). */
export function referenceSingularValues(a: Rows): number[] {
  const m = a.length;
  const n = a[0]?.length ?? 0;
  const g = m >= n ? mul(transpose(a), a) : mul(a, transpose(a));
  return jacobiEigenvalues(g).map((x) => Math.sqrt(Math.max(x, 0)));
}

/** fast-check arbitrary of a small integer seed. */
export const arbSeed = fc.integer({ min: 1, max: 0x7fffffff });

/** fast-check arbitrary of matrix sizes in [lo, hi]. */
export function arbSize(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.integer({ min: lo, max: hi });
}
