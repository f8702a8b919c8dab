/**
 * All eigenpairs of a symmetric tridiagonal matrix by Cuppen's divide and
 * conquer (the scheme of LAPACK's dstedc, written anew).
 *
 * `T = diag(T₁, T₂) + |β|·w·wᵀ` with `β` the coupling off-diagonal,
 * `w = (e_last; sign(β)·e_first)`; the halves are solved recursively (small
 * ones by QL with rotations), and their eigenpairs are merged by solving the
 * eigenproblem of `D + ρ·z·zᵀ`. Merging first deflates: components `ρ|z_j|`
 * at rounding level and pairs of nearly equal `d` (rotated so one of them
 * has `z = 0`) keep their eigenpairs unchanged, which makes clustered,
 * repeated and fast-decaying spectra cheap. The remaining eigenvalues are
 * secular-equation roots; `z` is recomputed from them (Gu–Eisenstat) so the
 * merged eigenvectors are orthogonal to working precision, and the new
 * eigenvector matrix is one GEMM per half (columns that live in one half only
 * multiply only that half's rows).
 * @module
 */
import ndarray from 'ndarray';
import { gemmUnchecked } from '../blas/gemm.js';
import { Workspace } from '../blas/workspace.js';
import { IndexWorkspace } from './index-workspace.js';
import { qlEigenvalues } from './tridiagonal-values.js';
import { secularRoot } from './tridiagonal-secular.js';

const EPS = 2 ** -52;
/**
 * Subproblems of at most this order are solved directly by QL with rotations.
 * @internal
 */
export const LEAF = 24;
const TOP = 0;
const DENSE = 1;
const BOTTOM = 2;

const leafDiagonalSpace = new Workspace();
const leafOffSpace = new Workspace();
const gatherSpace = new Workspace();
const outSpace = new Workspace();
const secularSpace = new Workspace();
const valueSpace = new Workspace();
const zSpace = new Workspace();
const dkSpace = new Workspace();
const zkSpace = new Workspace();
const tauSpace = new Workspace();
const kindSpace = new IndexWorkspace();
const orderSpace = new IndexWorkspace();
const keptSpace = new IndexWorkspace();
const originSpace = new IndexWorkspace();

/** State shared by the recursion over one matrix. */
interface Problem {
  readonly fn: string;
  /** Order of the whole matrix, the leading dimension of `q`. */
  readonly n: number;
  /** Diagonal (modified in place by the splits) and off-diagonal. */
  readonly d: Float64Array;
  readonly e: Float64Array;
  /** Eigenvalues of the solved blocks, ascending within each block. */
  readonly values: Float64Array;
  /** Column-major `n x n`: the solved blocks' eigenvectors on the block diagonal, zeros elsewhere. */
  readonly q: Float64Array;
  /** Absolute deflation tolerance, `8·eps·‖T‖₁`. */
  readonly tol: number;
}

/**
 * All eigenpairs of the symmetric tridiagonal `T` of order `n` (diagonal
 * `d[0..n)`, off-diagonal `e[0..n−1)`, `‖T‖₁ = norm`): eigenvalues ascending
 * into `values[0..n)` and orthonormal eigenvectors into the column-major
 * `n x n` `q` (leading dimension `n`). `d` is overwritten; `e` is not.
 * @throws {@link ConvergenceError} if a leaf's QL or a secular root fails
 * @internal
 */
export function divideAndConquer(
  fn: string,
  n: number,
  d: Float64Array,
  e: Float64Array,
  norm: number,
  values: Float64Array,
  q: Float64Array,
): void {
  q.fill(0, 0, n * n);
  solve({ fn, n, d, e, values, q, tol: 8 * EPS * norm }, 0, n);
}

function solve(p: Problem, lo: number, size: number): void {
  if (size <= LEAF) {
    solveLeaf(p, lo, size);
    return;
  }
  const n1 = size >> 1;
  const mid = lo + n1;
  const beta = p.e[mid - 1]!;
  p.d[mid - 1]! -= Math.abs(beta);
  p.d[mid]! -= Math.abs(beta);
  solve(p, lo, n1);
  solve(p, mid, size - n1);
  merge(p, lo, n1, size, beta);
}

/** QL with rotations on the block `lo..lo+size−1`, then sorted ascending. */
function solveLeaf(p: Problem, lo: number, size: number): void {
  const { n, q } = p;
  const ld = leafDiagonalSpace.get(size);
  const le = leafOffSpace.get(size);
  for (let i = 0; i < size; i++) {
    ld[i] = p.d[lo + i]!;
    le[i] = i < size - 1 ? p.e[lo + i]! : 0;
    q[lo + i + (lo + i) * n] = 1;
  }
  const offset = lo + lo * n;
  qlEigenvalues(p.fn, ld, le, 0, size - 1, p.tol / 8, { z: q, offset, ld: n, rows: size });
  // Selection sort of the (few) pairs, swapping vector columns along.
  for (let i = 0; i < size; i++) {
    let best = i;
    for (let j = i + 1; j < size; j++) if (ld[j]! < ld[best]!) best = j;
    p.values[lo + i] = ld[best]!;
    if (best === i) continue;
    ld[best] = ld[i]!;
    const a = offset + i * n;
    const b = offset + best * n;
    for (let r = 0; r < size; r++) {
      const t = q[a + r]!;
      q[a + r] = q[b + r]!;
      q[b + r] = t;
    }
  }
}

/**
 * Merges the solved halves `[lo, lo+n1)` and `[lo+n1, lo+size)` coupled by
 * `beta` into the eigenpairs of the whole block, in place.
 */
function merge(p: Problem, lo: number, n1: number, size: number, beta: number): void {
  const { n, q, tol } = p;
  const rho = 2 * Math.abs(beta);
  const base = lo + lo * n; // q offset of the block's (0, 0)
  // Local copies: value, z component and row support of each of the block's columns.
  const value = valueSpace.get(size);
  const z = zSpace.get(size);
  const kind = kindSpace.get(size);
  const sign = beta >= 0 ? 1 : -1;
  for (let c = 0; c < size; c++) {
    value[c] = p.values[lo + c]!;
    const col = base + c * n;
    z[c] = c < n1 ? q[col + n1 - 1]! * Math.SQRT1_2 : sign * q[col + n1]! * Math.SQRT1_2;
    kind[c] = c < n1 ? TOP : BOTTOM;
  }
  // Columns by increasing value (both halves are sorted: merge them).
  const order = orderSpace.get(size);
  for (let a = 0, b = n1, t = 0; t < size; t++) {
    order[t] = b >= size || (a < n1 && value[a]! <= value[b]!) ? a++ : b++;
  }
  // Deflation: kept columns (secular problem) in increasing value; the others keep their pair.
  const kept = keptSpace.get(size);
  let k = 0;
  let previous = -1;
  for (let t = 0; t < size; t++) {
    const c = order[t]!;
    if (rho * Math.abs(z[c]!) <= tol) continue;
    if (previous >= 0) {
      const r = Math.hypot(z[previous]!, z[c]!);
      const cs = z[c]! / r;
      const sn = -z[previous]! / r;
      if (Math.abs((value[c]! - value[previous]!) * cs * sn) <= tol) {
        // Rotate the pair so that z[previous] = 0: previous deflates.
        rotatePair(q, base, n, size, previous, c, cs, sn);
        const vp = value[previous]!;
        const vc = value[c]!;
        value[previous] = cs * cs * vp + sn * sn * vc;
        value[c] = sn * sn * vp + cs * cs * vc;
        z[previous] = 0;
        z[c] = r;
        if (kind[previous] !== kind[c]) kind[previous] = kind[c] = DENSE;
        previous = c;
        continue;
      }
      kept[k++] = previous;
    }
    previous = c;
  }
  if (previous >= 0) kept[k++] = previous;
  if (k > 0) secularMerge(p, n1, size, base, rho, k, outSpace.get(size * size));
  writeSorted(p, lo, size, base, k);
}

/** Columns `(a, b)` of the block ← `(cs·q_a + sn·q_b, −sn·q_a + cs·q_b)`. */
function rotatePair(
  q: Float64Array,
  base: number,
  n: number,
  size: number,
  a: number,
  b: number,
  cs: number,
  sn: number,
): void {
  const pa = base + a * n;
  const pb = base + b * n;
  for (let r = 0; r < size; r++) {
    const qa = q[pa + r]!;
    const qb = q[pb + r]!;
    q[pa + r] = cs * qa + sn * qb;
    q[pb + r] = -sn * qa + cs * qb;
  }
}

/**
 * Solves the secular problem of the `k` kept columns and writes the new
 * eigenvectors `Q_kept·U` to columns `0..k−1` of `out` (column-major,
 * leading dimension `size`) and their eigenvalues to `valueSpace` order:
 * `value[kept[i]]` becomes `λ_i`.
 */
function secularMerge(
  p: Problem,
  n1: number,
  size: number,
  base: number,
  rho: number,
  k: number,
  out: Float64Array,
): void {
  const { n, q } = p;
  const value = valueSpace.get(size);
  const z = zSpace.get(size);
  const kind = kindSpace.get(size);
  const kept = keptSpace.get(size);
  const dk = dkSpace.get(k);
  const zk = zkSpace.get(k);
  for (let i = 0; i < k; i++) {
    dk[i] = value[kept[i]!]!;
    zk[i] = z[kept[i]!]!;
  }
  const origin = originSpace.get(k);
  const tau = tauSpace.get(k);
  for (let i = 0; i < k; i++) secularRoot(p.fn, k, dk, zk, rho, i, origin, tau);
  // u(r, i) = d_r − λ_i, from the root representation.
  const u = secularSpace.get(k * k);
  for (let i = 0; i < k; i++) {
    const dO = dk[origin[i]!]!;
    const t = tau[i]!;
    for (let r = 0; r < k; r++) u[r + i * k] = dk[r]! - dO - t;
  }
  // Löwner: the z for which the computed roots are exact, z_r² = −Π_i(d_r − λ_i)/(ρ·Π_{i≠r}(d_r − d_i)).
  for (let r = 0; r < k; r++) {
    let w = u[r + r * k]!;
    for (let i = 0; i < k; i++) if (i !== r) w *= u[r + i * k]! / (dk[r]! - dk[i]!);
    const magnitude = Math.sqrt(Math.max(0, -w / rho));
    zk[r] = zk[r]! >= 0 ? magnitude : -magnitude;
  }
  // Eigenvectors of D + ρ·ẑ·ẑᵀ: u_i ∝ ẑ ./ (d − λ_i).
  for (let i = 0; i < k; i++) {
    const col = i * k;
    let ss = 0;
    for (let r = 0; r < k; r++) {
      const x = zk[r]! / u[col + r]!;
      u[col + r] = x;
      ss += x * x;
    }
    const inv = 1 / Math.sqrt(ss);
    for (let r = 0; r < k; r++) u[col + r]! *= inv;
    value[kept[i]!] = dk[origin[i]!]! + tau[i]!;
  }
  // Gather the kept columns of Q grouped by support (top-only, dense, bottom-only), U's rows alike.
  const gathered = gatherSpace.get(size * k + k * k);
  const permuted = size * k; // offset of the permuted U inside `gathered`
  let slot = 0;
  const counts = [0, 0, 0];
  for (const group of [TOP, DENSE, BOTTOM]) {
    for (let r = 0; r < k; r++) {
      if (kind[kept[r]!] !== group) continue;
      const src = base + kept[r]! * n;
      gathered.set(q.subarray(src, src + size), slot * size);
      for (let i = 0; i < k; i++) gathered[permuted + slot + i * k] = u[r + i * k]!;
      slot++;
      counts[group]!++;
    }
  }
  const nTop = counts[TOP]!;
  const nDense = counts[DENSE]!;
  const n2 = size - n1;
  const upper = nTop + nDense;
  const lower = nDense + counts[BOTTOM]!;
  const result = ndarray(out, [size, k], [1, size], 0);
  if (upper > 0) {
    const g = ndarray(gathered, [n1, upper], [1, size], 0);
    const w = ndarray(gathered, [upper, k], [1, k], permuted);
    gemmUnchecked(false, false, 1, g, w, 0, result.hi(n1, k));
  } else {
    fillRows(out, size, k, 0, n1);
  }
  if (lower > 0) {
    const g = ndarray(gathered, [n2, lower], [1, size], n1 + nTop * size);
    const w = ndarray(gathered, [lower, k], [1, k], permuted + nTop);
    gemmUnchecked(false, false, 1, g, w, 0, result.lo(n1, 0));
  } else {
    fillRows(out, size, k, n1, size);
  }
}

function fillRows(out: Float64Array, size: number, k: number, from: number, to: number): void {
  for (let i = 0; i < k; i++) out.fill(0, i * size + from, i * size + to);
}

/**
 * Writes the block's eigenpairs in ascending order of value: kept columns
 * from columns `0..k−1` of the merge buffer (for `kept[0..k)`), the others
 * from the block of `q` (staged in the merge buffer first, as `q` is overwritten).
 */
function writeSorted(p: Problem, lo: number, size: number, base: number, k: number): void {
  const { n, q } = p;
  const value = valueSpace.get(size);
  const kept = keptSpace.get(size);
  const out = outSpace.get(size * size);
  const column = kindSpace.get(size); // merge-buffer column of each block column
  column.fill(-1, 0, size);
  for (let i = 0; i < k; i++) column[kept[i]!] = i;
  let next = k;
  for (let c = 0; c < size; c++) {
    if (column[c]! >= 0) continue;
    out.set(q.subarray(base + c * n, base + c * n + size), next * size);
    column[c] = next++;
  }
  const order = orderSpace.get(size).subarray(0, size);
  for (let c = 0; c < size; c++) order[c] = c;
  order.sort((a, b) => value[a]! - value[b]!);
  for (let j = 0; j < size; j++) {
    const src = column[order[j]!]! * size;
    q.set(out.subarray(src, src + size), base + j * n);
    p.values[lo + j] = value[order[j]!]!;
  }
}
