export { gemm, matmul } from './gemm.js';
export type { GemmOptions } from './gemm.js';
