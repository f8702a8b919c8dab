/**
 * The matrix-vector products of the blocked tridiagonal and bidiagonal
 * reductions, on either kernel path: the one place a reduction's level-2 work
 * chooses between scalar TypeScript and the WebAssembly SIMD kernels. On the
 * Wasm path every array passed must be a view of the engine's memory (see
 * {@link WasmEngine.claim}); offsets are in elements, as on the scalar path.
 * @module
 */
import type { WasmEngine } from '../wasm/engine.js';
import { addProduct, symvLower, transposedProduct } from './column-kernels.js';

/** @internal */
export interface PanelKernels {
  /** `y[yo + r] += alpha·Σ_c A(r, c)·x[xo + c]`, `A` column-major `rows x cols` at `a[ao + r + c·lda]`. */
  gemvN(
    rows: number,
    cols: number,
    alpha: number,
    a: Float64Array,
    ao: number,
    lda: number,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
  ): void;
  /** `y[yo + c] = Σ_r A(r, c)·x[xo + r]`, `A` column-major `rows x cols` at `a[ao + r + c·lda]`. */
  gemvT(
    rows: number,
    cols: number,
    a: Float64Array,
    ao: number,
    lda: number,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
  ): void;
  /** `y[yo .. yo+m) = A·x[xo ..]` for the symmetric `A` whose lower triangle is at `a[ao + i + j·lda]`. */
  symv(
    m: number,
    a: Float64Array,
    ao: number,
    lda: number,
    x: Float64Array,
    xo: number,
    y: Float64Array,
    yo: number,
  ): void;
}

/** @internal */
export const scalarPanelKernels: PanelKernels = {
  gemvN: addProduct,
  gemvT: transposedProduct,
  symv: symvLower,
};

const engineKernels = new WeakMap<WasmEngine, PanelKernels>();

/**
 * The Wasm kernels of `engine`, taking views of its memory.
 * @internal
 */
export function enginePanelKernels(engine: WasmEngine): PanelKernels {
  let kernels = engineKernels.get(engine);
  if (kernels === undefined) {
    const at = (x: Float64Array, offset: number) => x.byteOffset + 8 * offset;
    kernels = {
      gemvN: (rows, cols, alpha, a, ao, lda, x, xo, y, yo) =>
        engine.gemvN(rows, cols, alpha, at(a, ao), lda, at(x, xo), at(y, yo)),
      gemvT: (rows, cols, a, ao, lda, x, xo, y, yo) =>
        engine.gemvT(rows, cols, at(a, ao), lda, at(x, xo), at(y, yo)),
      symv: (m, a, ao, lda, x, xo, y, yo) =>
        engine.symvLower(m, at(a, ao), lda, at(x, xo), at(y, yo)),
    };
    engineKernels.set(engine, kernels);
  }
  return kernels;
}
