/**
 * `@bkfac/linalg`: fast float64 dense kernels and the online/randomized
 * decompositions of the K-FAC family, in pure TypeScript.
 *
 * Matrices are `ndarray` views over `Float64Array` with any strides; eigen-
 * and singular values come in descending order; inputs are never modified.
 * @packageDocumentation
 * @mergeModuleWith <project>
 */
export * from './core/index.js';
export * from './random/index.js';
export * from './blas/index.js';
export * from './dense/index.js';
export * from './lowrank/index.js';
export * from './compute/index.js';
