/**
 * Triangular solve with many right-hand sides: B ← alpha·op(A)⁻¹·B or B ← alpha·B·op(A)⁻¹.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { copy } from '../core/matrix.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { assertBoolean, assertFinite, assertMatrix, assertNumber } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { gemmUnchecked } from './gemm.js';
import { scaleInPlaceUnchecked } from './scale.js';
import { assertTriangleFinite } from './triangle.js';

/**
 * Side on which the triangular matrix multiplies the unknown.
 * @category Dense kernels (BLAS)
 */
export type TrsmSide = 'left' | 'right';

/**
 * Options of {@link trsm}.
 * @category Dense kernels (BLAS)
 */
export interface TrsmOptions {
  /** Solve `op(A)·X = alpha·B` (`'left'`, default) or `X·op(A) = alpha·B` (`'right'`). */
  side?: TrsmSide;
  /** `A` is lower triangular (default `true`); only this triangle of `A` is read. */
  lower?: boolean;
  /** Use `Aᵀ` instead of `A` (default `false`). */
  transA?: boolean;
  /** Assume a unit diagonal (it is not read; default `false`). */
  unitDiagonal?: boolean;
  /** Scale of the right-hand side (default `1`). */
  alpha?: number;
}

/**
 * Triangular solve `X = alpha·op(A)⁻¹·B` (`side: 'left'`) or `X = alpha·B·op(A)⁻¹`
 * (`side: 'right'`), with `A` triangular; `B` is not modified.
 *
 * @param a - `m x m` (left) or `n x n` (right) triangular matrix; only the named triangle is read
 * @param b - `m x n` right-hand sides
 * @param options - side, triangle, transposition, unit diagonal, scale
 * @returns a fresh row-major `m x n` matrix `X`
 * @throws {@link ShapeError} if `a` is not square or does not match `b`
 * @throws {@link InvalidArgumentError} if `a` has a zero diagonal entry (singular), the solution
 *   overflows, or an option is invalid
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity
 * @throws {@link InvalidArgumentError} if `lower`/`transA`/`unitDiagonal` is given and is not a boolean
 * @example
 * ```ts
 * import { fromRows, toRows, trsm } from '@bkfac/linalg';
 * const l = fromRows([[2, 0], [1, 1]]);
 * console.log(toRows(trsm(l, fromRows([[2], [3]])))); // [[1], [2]]
 * ```
 * @category Dense kernels (BLAS)
 */
export function trsm(a: Matrix, b: Matrix, options?: TrsmOptions): Matrix {
  options = optionsObject('trsm', options);
  const { side = 'left', lower = true, transA = false, unitDiagonal = false, alpha = 1 } = options;
  if (side !== 'left' && side !== 'right') {
    throw new InvalidArgumentError('trsm', 'side', "'left' or 'right'", side);
  }
  assertBoolean('trsm', 'options.lower', lower);
  assertBoolean('trsm', 'options.transA', transA);
  assertBoolean('trsm', 'options.unitDiagonal', unitDiagonal);
  const [ar, ac] = assertMatrix('trsm', 'a', a);
  const [br, bc] = assertMatrix('trsm', 'b', b);
  assertNumber('trsm', 'alpha', alpha);
  const order = side === 'left' ? br : bc;
  if (ar !== ac || ar !== order) {
    throw new ShapeError('trsm', 'a', `[${order}, ${order}]`, `[${ar}, ${ac}]`);
  }
  assertTriangleFinite('trsm', 'a', a, lower, unitDiagonal);
  if (!unitDiagonal) assertNonSingular(a);
  assertFinite('trsm', 'b', b);
  const x = copy(b);
  trsmUnchecked(side, lower, transA, unitDiagonal, alpha, a, x);
  assertSolutionFinite(x);
  return x;
}

/** Overflow in the substitution means `A` is numerically singular: report it rather than return ±Infinity/NaN. */
function assertSolutionFinite(x: Matrix): void {
  const d = x.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v - v !== 0) {
      throw new InvalidArgumentError(
        'trsm',
        'a',
        'well enough conditioned for a finite solution',
        `a solve that overflows to ${v}`,
      );
    }
  }
}

/** A zero pivot makes the triangular system singular. */
function assertNonSingular(a: Matrix): void {
  const n = a.shape[0]!;
  const step = a.stride[0]! + a.stride[1]!;
  for (let i = 0, p = a.offset; i < n; i++, p += step) {
    if (a.data[p] === 0) {
      throw new InvalidArgumentError(
        'trsm',
        'a',
        'a non-zero diagonal (non-singular)',
        `a[${i},${i}] = 0`,
      );
    }
  }
}

/** Triangles up to this order are solved by substitution; larger ones split in two. */
const LEAF = 8;

/**
 * Unchecked kernel of {@link trsm}, in place on `b`: `B ← alpha·op(A)⁻¹·B`
 * (`'left'`) or `B ← alpha·B·op(A)⁻¹` (`'right'`). `A` triangular, only its
 * `lower`/upper triangle is read (not its diagonal if `unitDiagonal`); any
 * strides; `B` must not overlap `A`.
 * @internal
 */
export function trsmUnchecked(
  side: TrsmSide,
  lower: boolean,
  transA: boolean,
  unitDiagonal: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
): void {
  scaleInPlaceUnchecked(alpha, b);
  const t = transA ? a.transpose(1, 0) : a;
  // op(A) is lower triangular exactly when A is lower and not transposed, or upper and transposed.
  const forward = lower !== transA;
  // X·T = B  ⇔  Tᵀ·Xᵀ = Bᵀ: the right side is the left side on transposed views.
  if (side === 'right') {
    solveLeft(t.transpose(1, 0), !forward, unitDiagonal, b.transpose(1, 0));
  } else {
    solveLeft(t, forward, unitDiagonal, b);
  }
}

/**
 * `B ← T⁻¹·B` for a lower (`forward`) or upper triangular view `T`,
 * recursively: T = [T11 0; T21 T22] gives X1 = T11⁻¹B1, then B2 − T21·X1 in
 * GEMM, then X2 = T22⁻¹B2 (mirrored for upper), so for many right-hand sides
 * almost all flops run in the packed GEMM kernel.
 */
function solveLeft(t: Matrix, forward: boolean, unit: boolean, b: Matrix): void {
  const m = b.shape[0]!;
  if (m <= LEAF) {
    substitute(t, forward, unit, b);
    return;
  }
  const h = m >> 1;
  const b1 = b.hi(h, -1);
  const b2 = b.lo(h, 0);
  const t11 = t.hi(h, h);
  const t22 = t.lo(h, h);
  if (forward) {
    solveLeft(t11, true, unit, b1);
    gemmUnchecked(false, false, -1, t.lo(h, 0).hi(-1, h), b1, 1, b2);
    solveLeft(t22, true, unit, b2);
  } else {
    solveLeft(t22, false, unit, b2);
    gemmUnchecked(false, false, -1, t.hi(h, -1).lo(0, h), b2, 1, b1);
    solveLeft(t11, false, unit, b1);
  }
}

/** Forward (lower `T`) or back (upper `T`) substitution on each column of `B`, in place. */
function substitute(t: Matrix, forward: boolean, unit: boolean, b: Matrix): void {
  const m = b.shape[0]!;
  const n = b.shape[1]!;
  const td = t.data;
  const bd = b.data;
  const [ri, rp] = t.stride as [number, number];
  const tOff = t.offset;
  const [b0, b1] = b.stride as [number, number];
  for (let j = 0; j < n; j++) {
    const col = b.offset + j * b1;
    for (let s = 0; s < m; s++) {
      const i = forward ? s : m - 1 - s;
      const from = forward ? 0 : i + 1;
      const end = forward ? i : m;
      let v = bd[col + i * b0]!;
      let pt = tOff + i * ri + from * rp;
      let pb = col + from * b0;
      for (let p = from; p < end; p++, pt += rp, pb += b0) v -= td[pt]! * bd[pb]!;
      bd[col + i * b0] = unit ? v : v / td[tOff + i * ri + i * rp]!;
    }
  }
}
