export * from './errors.js';
export { fromArray, fromRows, zeros, eye, toRows, copy } from './matrix.js';
export type { Matrix, StorageOrder } from './matrix.js';
export * from './validate.js';
