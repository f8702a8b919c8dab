export { qr } from './qr.js';
export type { QrMode, QrOptions, QrResult, QrROnlyResult } from './qr.js';
export { cholesky, choleskySolve, solveSpd } from './cholesky.js';
export { lstsq } from './lstsq.js';
export { eigh } from './eigh.js';
export type { EighOptions, EighResult, EighValuesResult } from './eigh.js';
export { svd } from './svd.js';
export type { SvdOptions, SvdResult, SvdValuesResult } from './svd.js';
