export { computeInfo, setKernels, setThreads } from './config.js';
export type { ComputeInfo, KernelChoice, KernelPath } from './config.js';
