/**
 * The matrix-vector products of the blocked tridiagonal and bidiagonal
 * reductions, on either kernel path: the one place a reduction's level-2 work
 * chooses between scalar TypeScript and the WebAssembly SIMD kernels. On the
 * Wasm path every array passed must be a view of the engine's memory (see
 * {@link WasmEngine.withClaim}); offsets are in elements, as on the scalar path.
 * @module
 */
import type { WasmEngine } from '../wasm/engine.js';
import { addProduct, symvLower, transposedProduct } from './column-kernels.js';

/**
 * The three products, with the signatures (and offsets in elements) of the
 * scalar kernels in `column-kernels.ts`.
 * @internal
 */
export interface PanelKernels {
  /** `y += alpha·A·x` for a column-major `A` ({@link addProduct}). */
  gemvN: typeof addProduct;
  /** `y = Aᵀ·x` for a column-major `A` ({@link transposedProduct}). */
  gemvT: typeof transposedProduct;
  /** `y = A·x` for a symmetric `A` stored as its lower triangle ({@link symvLower}). */
  symv: typeof symvLower;
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
