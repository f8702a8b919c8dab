/**
 * Unchecked symmetric eigendecomposition kernel: power-of-two scaling,
 * blocked tridiagonal reduction, tridiagonal eigensolver (QL or bisection for
 * the values; inverse iteration or divide and conquer for the vectors),
 * blocked back-transformation.
 * @module
 */
import ndarray from 'ndarray';
import type { Matrix } from '../core/matrix.js';
import { Workspace } from '../blas/workspace.js';
import { applyReflectorSequence } from './householder-sequence.js';
import { tridiagonalize } from './tridiagonal-reduce.js';
import { tridiagonalEigen } from './tridiagonal-eigen.js';
import { powerOfTwoScaling, unscaleValues } from './scaling.js';

const workSpace = new Workspace();
const diagonalSpace = new Workspace();
const offDiagonalSpace = new Workspace();
const tauSpace = new Workspace();

/**
 * The `k` largest eigenpairs of the symmetric part `(A + Aᵀ)/2` of the
 * square `a` (any strides; not modified): eigenvalues in descending order
 * into `values[0..k)`, orthonormal eigenvectors into the columns of
 * `vectors` (`n x k`, column-major: `stride[0] === 1`) unless it is `null`.
 * No validation: `a` must be finite and `0 <= k <= n`. Steady-state calls
 * allocate nothing but a few small views (scratch is module-level and grows).
 * @throws {@link ConvergenceError} if the tridiagonal eigensolver fails
 * @throws {@link NonFiniteError} if an eigenvalue lies beyond float64
 * @internal
 */
export function symmetricEigenInto(
  fn: string,
  a: Matrix,
  k: number,
  values: Float64Array,
  vectors: Matrix | null,
): void {
  const n = a.shape[0]!;
  if (k === 0) return;
  const work = workSpace.get(n * n);
  const exponent = copySymmetricPart(a, work);
  const d = diagonalSpace.get(n);
  const e = offDiagonalSpace.get(n);
  const tau = tauSpace.get(n);
  tridiagonalize(n, work, n, d, e, tau);
  let z: Float64Array | null = null;
  if (vectors !== null) {
    z = vectors.offset === 0 ? vectors.data : vectors.data.subarray(vectors.offset);
  }
  tridiagonalEigen(fn, n, d, e, k, values, z, vectors === null ? 0 : vectors.stride[1]!);
  unscaleValues(fn, 'eigenvalue', values, k, exponent);
  if (vectors !== null && n > 1) {
    const reflectors = ndarray(work, [n - 1, n - 1], [1, n], 1);
    applyReflectorSequence(reflectors, tau, vectors.lo(1, 0));
  }
}

/**
 * Writes `2^s·(A + Aᵀ)/2` into the lower triangle of the column-major
 * `n x n` `out`. `s = 0` unless the largest entry lies outside
 * [2^-400, 2^400]; then `2^s` brings it into [1, 2), which keeps squares of
 * entries far from overflow and underflow. Returns `s`.
 */
function copySymmetricPart(a: Matrix, out: Float64Array): number {
  const n = a.shape[0]!;
  const [s0, s1] = a.stride as [number, number];
  const ad = a.data;
  const o = a.offset;
  let largest = 0;
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      const v = 0.5 * ad[o + i * s0 + j * s1]! + 0.5 * ad[o + j * s0 + i * s1]!;
      out[i + j * n] = v;
      largest = Math.max(largest, Math.abs(v));
    }
  }
  const exponent = powerOfTwoScaling(largest);
  if (exponent === 0) return 0;
  const factor = 2 ** exponent;
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) out[i + j * n]! *= factor;
  }
  return exponent;
}
