export * from './errors.js';
export { fromArray, fromRows, zeros, eye, toRows, copy } from './matrix.js';
export type { Matrix, StorageOrder } from './matrix.js';
export { reportedAs } from './reported-as.js';
export {
  add,
  norm2,
  normFro,
  normMax,
  scale,
  sub,
  symmetrize,
  symmetrizeInPlace,
  trace,
  transposeCopy,
} from './ops.js';
export type { Norm2Options } from './ops.js';
