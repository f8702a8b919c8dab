/**
 * Eigenvectors of an unreduced symmetric tridiagonal block by inverse
 * iteration (Wilkinson; the scheme of LAPACK's dstein, written anew).
 *
 * Each vector solves `(T − λI)x = b` a few times from a pseudo-random start,
 * with the LU factors (partial pivoting) of `T − λI` computed once. Vectors
 * whose eigenvalues lie within `1e-3·‖T‖₁` of each other form a cluster:
 * every new iterate is orthogonalized (modified Gram–Schmidt, two passes)
 * against the earlier vectors of its cluster, which is what keeps repeated and
 * tightly clustered eigenvalues' vectors orthogonal. Vectors of different
 * clusters are orthogonal to `O(eps·‖T‖/gap)` by the residual bound.
 * @module
 */
import { ConvergenceError } from '../core/errors.js';

const EPS = 2 ** -52;
/** Relative gap (to `‖T‖₁`) below which eigenvalues are treated as one cluster. */
const CLUSTER_GAP = 1e-3;
/** Iterations allowed per vector; convergence normally takes 1–3 before the extra ones. */
const MAX_ITERATIONS = 10;
/** Iterations performed after the growth test first succeeds (as in dstein). */
const EXTRA_ITERATIONS = 2;
/** `magnitudes` writes the 1-norm of the iterate here. */
const stats = new Float64Array(2);
/** Cost of reorthogonalizing against one earlier cluster member, relative to one vector's solves. */
const REORTHOGONALIZATION_WEIGHT = 0.4;

/**
 * Scratch of {@link inverseIteration}: six arrays of at least the block size.
 * @internal
 */
export interface InverseIterationScratch {
  /** Reciprocal diagonal, first and second super-diagonals of `U` in `P(T − λI) = LU`. */
  u0: Float64Array;
  u1: Float64Array;
  u2: Float64Array;
  /** Multipliers of `L`. */
  mult: Float64Array;
  /** 1 where rows were interchanged at step `k`. */
  pivot: Int32Array;
  /** The iterate. */
  x: Float64Array;
}

/**
 * Estimated work of {@link inverseIteration} for the ascending eigenvalues
 * `values[first .. first+count)` of a block of `size` rows in a matrix of
 * norm `scale`, in units of one iteration over one entry: every vector costs
 * a few solves, and each member of a cluster reorthogonalizes against the
 * earlier members (what makes large clusters quadratic).
 * @internal
 */
export function inverseIterationWork(
  values: Float64Array,
  first: number,
  count: number,
  size: number,
  scale: number,
): number {
  const clusterGap = CLUSTER_GAP * scale;
  let work = 0;
  let position = 0;
  for (let j = 0; j < count; j++) {
    position =
      j > 0 && values[first + j]! - values[first + j - 1]! <= clusterGap ? position + 1 : 0;
    work += size * (1 + REORTHOGONALIZATION_WEIGHT * position);
  }
  return work;
}

/**
 * Deterministic start vectors (an LCG): the decomposition is reproducible
 * and independent of any global random state.
 * @internal
 */
export class StartVectors {
  // A typed array, not a number field: a uint32 field would be boxed on every write.
  private readonly state = new Uint32Array(1);

  constructor() {
    this.reset();
  }

  /** Restarts the stream. */
  reset(): void {
    this.state[0] = 0x2545f491;
  }

  /** Uniform in [−1, 1). */
  next(): number {
    const s = (Math.imul(this.state[0]!, 1664525) + 1013904223) >>> 0;
    this.state[0] = s;
    return s / 2147483648 - 1;
  }
}

/**
 * Unit eigenvectors of the unreduced block `d[lo..hi]`, `e[lo..hi−1]` of a
 * tridiagonal matrix of norm `scale` (‖·‖₁) for the ascending eigenvalues
 * `values[first .. first+count)`; the vector of
 * `values[first+i]` goes to rows `lo..hi` of column `columns[first+i]` of the
 * column-major `z` (leading dimension `ldz`). Other rows are not touched.
 * @throws {@link ConvergenceError} if a vector does not converge
 * @internal
 */
export function inverseIteration(
  fn: string,
  d: Float64Array,
  e: Float64Array,
  lo: number,
  hi: number,
  scale: number,
  values: Float64Array,
  columns: Int32Array,
  first: number,
  count: number,
  z: Float64Array,
  ldz: number,
  scratch: InverseIterationScratch,
  start: StartVectors,
): void {
  const size = hi - lo + 1;
  // The eigenvalues are accurate to eps·‖T‖, so tolerances use the whole matrix's norm even
  // for a block of much smaller norm, whose eigenvalues then all form one cluster.
  let norm1 = scale;
  for (let i = lo; i <= hi; i++) {
    const row =
      Math.abs(d[i]!) + (i > lo ? Math.abs(e[i - 1]!) : 0) + (i < hi ? Math.abs(e[i]!) : 0);
    norm1 = Math.max(norm1, row);
  }
  const clusterGap = CLUSTER_GAP * norm1;
  const growthTarget = Math.sqrt(0.1 / size);
  const pivotFloor = EPS * norm1;
  const x = scratch.x;
  let clusterStart = 0;
  let previous = 0;
  for (let j = 0; j < count; j++) {
    let shift = values[first + j]!;
    if (j > 0) {
      // Nudge coincident shifts apart so their LU factors differ.
      const separation = 10 * EPS * Math.abs(shift);
      if (shift - previous < separation) shift = previous + separation;
      if (shift - previous > clusterGap) clusterStart = j;
    }
    previous = shift;
    const lastPivot = factorShifted(d, e, lo, size, shift, pivotFloor, scratch);
    // Right-hand sides are scaled so that a converged solution has entries of order one.
    const target = size * norm1 * Math.max(EPS, lastPivot);
    let sum = fillRandom(x, size, start, 1);
    let growthChecks = 0;
    let iterations = 0;
    while (growthChecks <= EXTRA_ITERATIONS) {
      if (iterations === MAX_ITERATIONS) {
        throw new ConvergenceError(
          fn,
          iterations,
          `inverse iteration for the tridiagonal eigenvector of eigenvalue ${values[first + j]}`,
        );
      }
      iterations++;
      if (sum === 0) {
        // The iterate vanished under reorthogonalization: draw a new start.
        sum = fillRandom(x, size, start, 1);
        continue;
      }
      solveShifted(size, scratch, target / sum);
      if (clusterStart < j) {
        for (let c = clusterStart; c < j; c++)
          orthogonalize(x, size, z, columns[first + c]! * ldz + lo);
        for (let c = clusterStart; c < j; c++)
          orthogonalize(x, size, z, columns[first + c]! * ldz + lo);
      }
      const largest = magnitudes(x, size, stats);
      sum = stats[1]!;
      if (!(largest < Infinity)) {
        // Overflow in a nearly singular solve: restart from a tiny random vector.
        sum = fillRandom(x, size, start, EPS);
        continue;
      }
      if (largest >= growthTarget) growthChecks++;
    }
    storeNormalized(x, size, z, columns[first + j]! * ldz + lo);
  }
}

/** `x[0..size)` ← uniform in `[−factor, factor)`; returns `Σ|x_i|`. */
function fillRandom(x: Float64Array, size: number, start: StartVectors, factor: number): number {
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const v = start.next() * factor;
    x[i] = v;
    sum += Math.abs(v);
  }
  return sum;
}

/** One Gram–Schmidt step: `x −= (qᵀx)·q` for the unit vector `q = z[qo .. qo+size)`. */
function orthogonalize(x: Float64Array, size: number, z: Float64Array, qo: number): void {
  let dot = 0;
  for (let i = 0; i < size; i++) dot += x[i]! * z[qo + i]!;
  for (let i = 0; i < size; i++) x[i]! -= dot * z[qo + i]!;
}

/** Returns `max|x_i|` and writes `Σ|x_i|` to `out[1]` (NaN or ∞ propagate to the maximum). */
function magnitudes(x: Float64Array, size: number, out: Float64Array): number {
  let largest = 0;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const a = Math.abs(x[i]!);
    sum += a;
    if (!(a <= largest)) largest = a;
  }
  out[1] = sum;
  return largest;
}

/** `z[zo .. zo+size) = x/‖x‖₂`. */
function storeNormalized(x: Float64Array, size: number, z: Float64Array, zo: number): void {
  let ss = 0;
  for (let i = 0; i < size; i++) ss += x[i]! * x[i]!;
  const inv = 1 / Math.sqrt(ss);
  for (let i = 0; i < size; i++) z[zo + i] = x[i]! * inv;
}

/**
 * Gaussian elimination with partial pivoting of the `size x size` block
 * `T − shift·I`: `P(T − shift·I) = L·U`, `U` with two super-diagonals. Pivots
 * smaller than `pivotFloor` are raised to it (the shift is an eigenvalue, so
 * `U` is singular to working precision) and stored as reciprocals. Returns
 * the magnitude of the last pivot before that safeguard.
 */
function factorShifted(
  d: Float64Array,
  e: Float64Array,
  lo: number,
  size: number,
  shift: number,
  pivotFloor: number,
  s: InverseIterationScratch,
): number {
  const { u0, u1, u2, mult, pivot } = s;
  // The pending row holds its entries in the current and the next column.
  let alpha = d[lo]! - shift;
  let beta = size > 1 ? e[lo]! : 0;
  for (let k = 0; k < size - 1; k++) {
    const below = e[lo + k]!;
    const next = d[lo + k + 1]! - shift;
    const nextUpper = k + 2 < size ? e[lo + k + 1]! : 0;
    if (Math.abs(alpha) >= Math.abs(below)) {
      const m = alpha === 0 ? 0 : below / alpha;
      u0[k] = reciprocalPivot(alpha, pivotFloor);
      u1[k] = beta;
      u2[k] = 0;
      mult[k] = m;
      pivot[k] = 0;
      alpha = next - m * beta;
      beta = nextUpper;
    } else {
      const m = alpha / below;
      u0[k] = reciprocalPivot(below, pivotFloor);
      u1[k] = next;
      u2[k] = nextUpper;
      mult[k] = m;
      pivot[k] = 1;
      alpha = beta - m * next;
      beta = -m * nextUpper;
    }
  }
  u0[size - 1] = reciprocalPivot(alpha, pivotFloor);
  return Math.abs(alpha);
}

function reciprocalPivot(p: number, floor: number): number {
  if (Math.abs(p) >= floor) return 1 / p;
  return p < 0 ? -1 / floor : 1 / floor;
}

/**
 * Overwrites `s.x` with the solution of `(T − shift·I)y = scale·x` from the
 * factors of {@link factorShifted}.
 */
function solveShifted(size: number, s: InverseIterationScratch, scale: number): void {
  const { u0, u1, u2, mult, pivot, x } = s;
  let pending = scale * x[0]!;
  for (let k = 0; k < size - 1; k++) {
    const next = scale * x[k + 1]!;
    if (pivot[k] === 0) {
      x[k] = pending;
      pending = next - mult[k]! * pending;
    } else {
      x[k] = next;
      pending -= mult[k]! * next;
    }
  }
  // Back substitution, carrying the two previous solution entries.
  let x1 = pending * u0[size - 1]!;
  x[size - 1] = x1;
  if (size === 1) return;
  let x2 = x1;
  x1 = (x[size - 2]! - u1[size - 2]! * x2) * u0[size - 2]!;
  x[size - 2] = x1;
  for (let k = size - 3; k >= 0; k--) {
    const xk = (x[k]! - u1[k]! * x1 - u2[k]! * x2) * u0[k]!;
    x[k] = xk;
    x2 = x1;
    x1 = xk;
  }
}
