/**
 * Symmetric rank-k update C = alpha·A·Aᵀ + beta·C (or alpha·Aᵀ·A + beta·C).
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { computeWithoutOverflow } from '../core/overflow.js';
import { maxAbs } from '../core/strided.js';
import { assertBoolean, assertFinite, assertMatrix, assertNumber } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { assertOutput } from '../core/output.js';
import { gemmUnchecked } from './gemm.js';
import { scaleInPlaceUnchecked } from './scale.js';
import { assertTriangleFinite } from './triangle.js';

/**
 * Options of {@link syrk}.
 * @category Dense kernels (BLAS)
 */
export interface SyrkOptions {
  /** Compute `Aᵀ·A` instead of `A·Aᵀ` (default `false`). */
  trans?: boolean;
  /** Scale of the product (default `1`). */
  alpha?: number;
  /** Scale of the existing `out` (default `0`; ignored without `out`). Only the lower triangle of `out` is read. */
  beta?: number;
  /**
   * Output `n x n` matrix (any strides), accumulated into and returned (default: a fresh
   * row-major matrix). It must not share any element with `a` (checked).
   */
  out?: Matrix;
}

/**
 * Symmetric rank-k update `C = alpha·A·Aᵀ + beta·C` (`trans`: `C = alpha·Aᵀ·A + beta·C`),
 * with `C` the `options.out` matrix (or a fresh one, then `beta` is ignored).
 * Both triangles of `C` are written and `C` is exactly symmetric.
 *
 * @param a - `n x k` matrix (`k x n` if `trans`)
 * @param options - transposition flag, scalars and an optional output
 * @returns `options.out` (or a fresh row-major `n x n` matrix)
 * @throws {@link ShapeError} if `a` is not 2-D or `options.out` is not `n x n`
 * @throws {@link InvalidArgumentError} if a scalar is not finite, an argument is not a float64
 *   matrix, or `options.out` shares elements with `a`
 * @throws {@link NonFiniteError} if `a` or (when `beta ≠ 0`) the lower triangle of `out` holds NaN or ±Infinity
 * @throws {@link NonFiniteError} if the result would overflow float64 (then `out` is left as it was)
 * @throws {@link InvalidArgumentError} if `trans` is given and is not a boolean
 * @example
 * ```ts
 * import { fromRows, syrk, toRows } from '@bkfac/linalg';
 * console.log(toRows(syrk(fromRows([[1, 2], [3, 4]]), { trans: true }))); // [[10, 14], [14, 20]]
 * ```
 * @category Dense kernels (BLAS)
 */
export function syrk(a: Matrix, options?: SyrkOptions): Matrix {
  options = optionsObject('syrk', options);
  const { trans = false, alpha = 1, beta = 0 } = options;
  const [ar, ac] = assertMatrix('syrk', 'a', a);
  assertBoolean('syrk', 'options.trans', trans);
  assertNumber('syrk', 'alpha', alpha);
  assertNumber('syrk', 'beta', beta);
  assertFinite('syrk', 'a', a);
  const n = trans ? ac : ar;
  const given = options.out;
  if (given !== undefined) {
    assertOutput('syrk', 'options.out', given, [n, n], [['a', a]]);
    if (beta !== 0) assertTriangleFinite('syrk', 'options.out', given, true, false);
  }
  const c = given ?? zeros(n, n);
  const effectiveBeta = given === undefined ? 0 : beta;
  const k = trans ? ar : ac;
  computeWithoutOverflow(
    'syrk',
    'a',
    c,
    given === undefined,
    () => Math.abs(alpha) * k * maxAbs(a) ** 2 + (beta === 0 ? 0 : Math.abs(beta) * maxAbs(given!)),
    (target) => syrkUnchecked(trans, alpha, a, effectiveBeta, target),
  );
  return c;
}

/** Diagonal blocks up to this order are formed whole by GEMM; larger ones split in two. */
const LEAF = 48;
/** Scratch for a diagonal block `G_b·G_bᵀ` (both triangles, of which the lower is used). */
const leafBlock = zeros(LEAF, LEAF, 'col');

/**
 * Unchecked kernel of {@link syrk}: `C = alpha·op(A)·op(A)ᵀ + beta·C` with
 * `op(A) = A` (`trans` false) or `Aᵀ`; reads the lower triangle of `C`, writes
 * both triangles (exactly symmetric). When `beta === 0`, `C` is overwritten.
 * Any strides; `C` must not overlap `A`.
 * @internal
 */
export function syrkUnchecked(
  trans: boolean,
  alpha: number,
  a: Matrix,
  beta: number,
  c: Matrix,
): void {
  const n = c.shape[0]!;
  if (n === 0) return;
  const g = trans ? a.transpose(1, 0) : a;
  if (g.shape[1] === 0 || alpha === 0) {
    scaleLower(beta, c);
  } else {
    syrkLower(alpha, g, beta, c);
  }
  mirrorLower(c);
}

/**
 * Lower triangle of `C = alpha·G·Gᵀ + beta·C`, recursively: the off-diagonal
 * block of each split is one GEMM, so all but O(n·LEAF·k) flops run in the
 * packed GEMM kernel and only half of the product is computed.
 */
function syrkLower(alpha: number, g: Matrix, beta: number, c: Matrix): void {
  const n = c.shape[0]!;
  if (n <= LEAF) {
    syrkLowerLeaf(alpha, g, beta, c);
    return;
  }
  const h = n >> 1;
  syrkLower(alpha, g.hi(h, -1), beta, c.hi(h, h));
  gemmUnchecked(false, true, alpha, g.lo(h, 0), g.hi(h, -1), beta, c.lo(h, 0).hi(-1, h));
  syrkLower(alpha, g.lo(h, 0), beta, c.lo(h, h));
}

/**
 * Lower triangle of `C = alpha·G·Gᵀ + beta·C` for a small diagonal block: the
 * whole block product goes through the packed GEMM into scratch (twice the
 * flops needed, but at GEMM speed, and the strides of `G` never matter), then
 * its lower triangle is combined with `C`.
 */
function syrkLowerLeaf(alpha: number, g: Matrix, beta: number, c: Matrix): void {
  const n = c.shape[0]!;
  const block = leafBlock.hi(n, n);
  gemmUnchecked(false, true, alpha, g, g, 0, block);
  const bd = block.data;
  const cd = c.data;
  const [c0, c1] = c.stride as [number, number];
  const co = c.offset;
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      const q = co + i * c0 + j * c1;
      const v = bd[i + j * LEAF]!;
      cd[q] = beta === 0 ? v : v + beta * cd[q]!;
    }
  }
}

/** Lower triangle of `C ← beta·C` (`beta === 0` overwrites). */
function scaleLower(beta: number, c: Matrix): void {
  const n = c.shape[0]!;
  for (let j = 0; j < n; j++) scaleInPlaceUnchecked(beta, c.lo(j, j).hi(n - j, 1));
}

/** Copies the strict lower triangle onto the upper one, so `C` is exactly symmetric. */
function mirrorLower(c: Matrix): void {
  const n = c.shape[0]!;
  const cd = c.data;
  const [c0, c1] = c.stride as [number, number];
  const co = c.offset;
  for (let j = 0; j < n; j++) {
    for (let i = j + 1; i < n; i++) cd[co + j * c0 + i * c1] = cd[co + i * c0 + j * c1]!;
  }
}
