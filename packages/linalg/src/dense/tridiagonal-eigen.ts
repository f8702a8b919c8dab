/**
 * Largest eigenpairs of a symmetric tridiagonal matrix. Off-diagonals at
 * rounding level are dropped first. Small matrices: QL with rotations.
 * Otherwise eigenvalues per unreduced block (root-free QL when most of them
 * are wanted, bisection when few are) and global selection of the `k` largest; vectors
 * from inverse iteration on the selected values, unless their cluster
 * structure makes that costlier than divide and conquer on the whole matrix
 * (large clusters, e.g. repeated or fast-decaying spectra), which also takes
 * over if inverse iteration fails to converge.
 * @module
 */
import { Workspace } from '../blas/workspace.js';
import { ConvergenceError } from '../core/errors.js';
import { IndexWorkspace } from './index-workspace.js';
import { LEAF, divideAndConquer } from './tridiagonal-divide.js';
import { bisectEigenvalue, qlEigenvalues, rootFreeEigenvalues } from './tridiagonal-values.js';
import type { RotationTarget } from './tridiagonal-values.js';
import type { InverseIterationScratch } from './tridiagonal-vectors.js';
import { StartVectors, inverseIteration, inverseIterationWork } from './tridiagonal-vectors.js';

const EPS = 2 ** -52;
const SAFE_MIN = 2 ** -1022;
/** Bisection is cheaper than QL for a block while it needs fewer than this fraction of the block's values. */
const BISECTION_FRACTION = 1 / 8;
/**
 * Divide and conquer costs about `n³·(0.2 + 95/n)` ns here, inverse iteration
 * about 40 ns per unit of {@link inverseIterationWork}: in those units,
 * `n²·(DIVIDE_CUBIC·n + DIVIDE_SQUARE)`. Well-separated spectra favour
 * inverse iteration by about 2x; large clusters favour divide and conquer.
 */
const DIVIDE_CUBIC = 0.005;
const DIVIDE_SQUARE = 2.4;

const diagonalSpace = new Workspace();
const offDiagonalSpace = new Workspace();
const squaresSpace = new Workspace();
const qlDiagonalSpace = new Workspace();
const qlOffDiagonalSpace = new Workspace();
const candidateSpace = new Workspace();
const iterateSpaces = [0, 1, 2, 3, 4].map(() => new Workspace());
const blockStartSpace = new IndexWorkspace();
const blockOfSpace = new IndexWorkspace();
const columnSpace = new IndexWorkspace();
const orderSpace = new IndexWorkspace();
const pivotSpace = new IndexWorkspace();
const segmentSpace = new IndexWorkspace();
const allValueSpace = new Workspace();
const allVectorSpace = new Workspace();
const startVectors = new StartVectors();

/**
 * The `k` largest eigenpairs of the symmetric tridiagonal `T` of order `n`
 * with diagonal `d[0..n)` and off-diagonal `e[0..n−1)` (neither modified):
 * eigenvalues in descending order into `values[0..k)` and, when `z` is given,
 * orthonormal eigenvectors into columns `0..k−1` of the column-major `z`
 * (`n` rows, leading dimension `ldz`; those columns are overwritten).
 *
 * Off-diagonals with `|e_i| <= eps·‖T‖₁` are set to zero first (a backward
 * perturbation of at most `eps·‖T‖₁`); eigenvalues are accurate to a small
 * multiple of `eps·‖T‖₁`.
 * @throws {@link ConvergenceError} if QL or inverse iteration fails to converge
 * @internal
 */
export function tridiagonalEigen(
  fn: string,
  n: number,
  d: Float64Array,
  e: Float64Array,
  k: number,
  values: Float64Array,
  z: Float64Array | null,
  ldz: number,
): void {
  if (k === 0) return;
  const dd = diagonalSpace.get(n);
  const ee = offDiagonalSpace.get(n);
  let norm1 = 0;
  for (let i = 0; i < n; i++) {
    dd[i] = d[i]!;
    ee[i] = i < n - 1 ? e[i]! : 0;
    const row =
      Math.abs(d[i]!) + (i > 0 ? Math.abs(e[i - 1]!) : 0) + (i < n - 1 ? Math.abs(e[i]!) : 0);
    norm1 = Math.max(norm1, row);
  }
  const tol = EPS * norm1;
  // Unreduced blocks [blockStart[b], blockStart[b+1]).
  const blockStart = blockStartSpace.get(n + 1);
  let blocks = 0;
  blockStart[0] = 0;
  for (let i = 0; i < n - 1; i++) {
    if (Math.abs(ee[i]!) <= tol) {
      ee[i] = 0;
      blockStart[++blocks] = i + 1;
    }
  }
  blockStart[++blocks] = n;
  if (n <= LEAF) {
    smallEigenpairs(fn, n, dd, ee, tol, k, values, z, ldz);
    return;
  }

  // Candidates: the min(k, size) largest values of every block, ascending per block.
  const candidates = candidateSpace.get(n);
  const blockOf = blockOfSpace.get(n);
  let total = 0;
  for (let b = 0; b < blocks; b++) {
    const lo = blockStart[b]!;
    const hi = blockStart[b + 1]! - 1;
    const wanted = Math.min(k, hi - lo + 1);
    blockCandidates(fn, dd, ee, lo, hi, wanted, tol, candidates, total);
    for (let i = 0; i < wanted; i++) blockOf[total + i] = b;
    total += wanted;
  }

  // Global descending order; ties keep the block's own order so every block's selection is a top segment.
  const order = orderSpace.get(total).subarray(0, total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((p, q) => candidates[q]! - candidates[p]! || blockOf[p]! - blockOf[q]! || q - p);
  const column = columnSpace.get(total);
  column.fill(-1, 0, total);
  for (let c = 0; c < k; c++) {
    values[c] = candidates[order[c]!]!;
    column[order[c]!] = c;
  }
  if (z === null) return;

  // Each block's selected values are the top segment [segment[2b], segment[2b+1]) of its candidates.
  const segment = segmentSpace.get(2 * blocks);
  let work = 0;
  for (let b = 0, first = 0; b < blocks; b++) {
    const size = blockStart[b + 1]! - blockStart[b]!;
    const end = first + Math.min(k, size);
    let from = end;
    while (from > first && column[from - 1]! >= 0) from--;
    segment[2 * b] = from;
    segment[2 * b + 1] = end;
    if (size > 1) work += inverseIterationWork(candidates, from, end - from, size, norm1);
    first = end;
  }
  if (work > n * n * (DIVIDE_CUBIC * n + DIVIDE_SQUARE)) {
    allEigenpairs(fn, n, dd, ee, norm1, k, z, ldz);
    return;
  }
  try {
    selectedVectors(
      fn,
      n,
      dd,
      ee,
      norm1,
      blockStart,
      blocks,
      candidates,
      column,
      segment,
      k,
      z,
      ldz,
    );
  } catch (e) {
    // Inverse iteration can stall on a large cluster the cost model did not foresee (e.g.
    // rounding-level blocks of a rank-deficient matrix); divide and conquer does not.
    if (!(e instanceof ConvergenceError)) throw e;
    allEigenpairs(fn, n, dd, ee, norm1, k, z, ldz);
  }
}

/** Inverse iteration, block by block, for the selected eigenvalues (see {@link tridiagonalEigen}). */
function selectedVectors(
  fn: string,
  n: number,
  dd: Float64Array,
  ee: Float64Array,
  norm1: number,
  blockStart: Int32Array,
  blocks: number,
  candidates: Float64Array,
  column: Int32Array,
  segment: Int32Array,
  k: number,
  z: Float64Array,
  ldz: number,
): void {
  for (let c = 0; c < k; c++) z.fill(0, c * ldz, c * ldz + n);
  const scratch = iterationScratch(n);
  startVectors.reset();
  for (let b = 0; b < blocks; b++) {
    const lo = blockStart[b]!;
    const hi = blockStart[b + 1]! - 1;
    const from = segment[2 * b]!;
    const count = segment[2 * b + 1]! - from;
    if (count === 0) continue;
    if (hi === lo) z[column[from]! * ldz + lo] = 1;
    else
      inverseIteration(
        fn,
        dd,
        ee,
        lo,
        hi,
        norm1,
        candidates,
        column,
        from,
        count,
        z,
        ldz,
        scratch,
        startVectors,
      );
  }
}

/**
 * Small matrices: QL on the whole (split) matrix, with its rotations applied
 * to the identity when vectors are wanted. The values do not depend on
 * whether vectors are accumulated, so both paths agree exactly.
 */
function smallEigenpairs(
  fn: string,
  n: number,
  d: Float64Array,
  e: Float64Array,
  tol: number,
  k: number,
  values: Float64Array,
  z: Float64Array | null,
  ldz: number,
): void {
  const q = z === null ? null : allVectorSpace.get(n * n).fill(0, 0, n * n);
  let target: RotationTarget | null = null;
  if (q !== null) {
    for (let i = 0; i < n; i++) q[i * (n + 1)] = 1;
    target = { z: q, offset: 0, ld: n, rows: n };
  }
  qlEigenvalues(fn, d, e, 0, n - 1, tol, target);
  const order = orderSpace.get(n).subarray(0, n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((p, r) => d[r]! - d[p]! || p - r);
  for (let c = 0; c < k; c++) {
    const source = order[c]!;
    values[c] = d[source]!;
    if (z !== null && q !== null) z.set(q.subarray(source * n, source * n + n), c * ldz);
  }
}

/**
 * Eigenvectors of the `k` largest eigenvalues from divide and conquer (which
 * destroys `d`), by rank. `values` keeps the QL/bisection values, so results
 * with and without vectors agree exactly; both are accurate to `eps·‖T‖₁`.
 */
function allEigenpairs(
  fn: string,
  n: number,
  d: Float64Array,
  e: Float64Array,
  norm1: number,
  k: number,
  z: Float64Array,
  ldz: number,
): void {
  const all = allValueSpace.get(n);
  const q = allVectorSpace.get(n * n);
  divideAndConquer(fn, n, d, e, norm1, all, q);
  for (let c = 0; c < k; c++) {
    const source = n - 1 - c;
    z.set(q.subarray(source * n, source * n + n), c * ldz);
  }
}

/**
 * Writes the `wanted` largest eigenvalues of the unreduced block `lo..hi`,
 * ascending, to `out[at .. at+wanted)`.
 */
function blockCandidates(
  fn: string,
  d: Float64Array,
  e: Float64Array,
  lo: number,
  hi: number,
  wanted: number,
  tol: number,
  out: Float64Array,
  at: number,
): void {
  const size = hi - lo + 1;
  if (size === 1) {
    out[at] = d[lo]!;
    return;
  }
  if (wanted >= BISECTION_FRACTION * size) {
    const qd = qlDiagonalSpace.get(size);
    const qe = qlOffDiagonalSpace.get(size);
    for (let i = 0; i < size; i++) {
      qd[i] = d[lo + i]!;
      qe[i] = i < size - 1 ? e[lo + i]! * e[lo + i]! : 0;
    }
    rootFreeEigenvalues(fn, qd, qe, 0, size - 1, tol);
    const sorted = qd.subarray(0, size).sort();
    for (let i = 0; i < wanted; i++) out[at + i] = sorted[size - wanted + i]!;
    return;
  }
  const e2 = squaresSpace.get(size);
  let lower = Infinity;
  let upper = -Infinity;
  let largestSquare = 0;
  for (let i = lo; i <= hi; i++) {
    const left = i > lo ? Math.abs(e[i - 1]!) : 0;
    const right = i < hi ? Math.abs(e[i]!) : 0;
    lower = Math.min(lower, d[i]! - left - right);
    upper = Math.max(upper, d[i]! + left + right);
    if (i < hi) {
      e2[i - lo] = e[i]! * e[i]!;
      largestSquare = Math.max(largestSquare, e2[i - lo]!);
    }
  }
  const pivmin = SAFE_MIN * Math.max(1, largestSquare);
  // Gershgorin bounds, widened so the Sturm counts at the ends are certainly 0 and size.
  const pad = 4 * EPS * size * Math.max(Math.abs(lower), Math.abs(upper)) + 4 * pivmin;
  lower -= pad;
  upper += pad;
  const blockDiagonal = d.subarray(lo, hi + 1);
  for (let j = size - 1, slot = wanted - 1; slot >= 0; j--, slot--) {
    const value = bisectEigenvalue(blockDiagonal, e2, 0, size - 1, j, lower, upper, tol, pivmin);
    out[at + slot] = value;
    // The next (smaller) eigenvalue lies below this one, up to the bisection tolerance.
    upper = Math.min(upper, value + 2 * tol);
  }
}

/** Scratch for inverse iteration on blocks of up to `n` rows. */
function iterationScratch(n: number): InverseIterationScratch {
  return {
    u0: iterateSpaces[0]!.get(n),
    u1: iterateSpaces[1]!.get(n),
    u2: iterateSpaces[2]!.get(n),
    mult: iterateSpaces[3]!.get(n),
    x: iterateSpaces[4]!.get(n),
    pivot: pivotSpace.get(n),
  };
}
