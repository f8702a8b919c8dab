/**
 * Application of a product of Householder reflectors `Q = H_0·H_1···H_{k−1}`
 * given by their vectors (LAPACK's QR layout) and scalars `tau`, blocked in
 * compact-WY form so the work runs in GEMM: the back-transformations of the
 * tridiagonal and bidiagonal reductions.
 *
 * On the WebAssembly path `C` and the block buffers are copied into the
 * engine's memory for the whole sequence, so its products need no staging
 * (otherwise every block would copy all of `C` in and out twice).
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { Workspace } from '../blas/workspace.js';
import { activeEngine } from '../compute/config.js';
import type { WasmEngine } from '../wasm/engine.js';
import type { ReflectorScratch } from './householder.js';
import {
  applyBlockReflector,
  applyReflector,
  columnMajor,
  copyColumns,
  explicitReflectors,
  formBlockFactor,
} from './householder.js';

/** Reflectors per compact-WY block. */
const BLOCK = 48;
/** Below this many columns of `C`, or reflectors, the blocked path does not pay for forming `T`. */
const BLOCKED_MIN_COLUMNS = 8;
const BLOCKED_MIN_REFLECTORS = 32;

const vSpace = new Workspace();
const wSpace = new Workspace();
const w2Space = new Workspace();
const tSpace = new Workspace();

/**
 * `C ← Q·C` for `Q = H_0·H_1···H_{k−1}`, `H_j = I − tau[j]·v_j·v_jᵀ`, where
 * `v_j` is stored in column `j` of the column-major `rows x k` view
 * `reflectors` below row `j` (unit entry at row `j` implicit, zeros above).
 * `C` is `rows x nc`, column-major (`stride[0] === 1`).
 * @internal
 */
export function applyReflectorSequence(reflectors: Matrix, tau: Float64Array, c: Matrix): void {
  const rows = reflectors.shape[0]!;
  const k = reflectors.shape[1]!;
  const nc = c.shape[1]!;
  if (k === 0 || nc === 0) return;
  // Q·C applies the last reflector first.
  if (nc < BLOCKED_MIN_COLUMNS || k < BLOCKED_MIN_REFLECTORS) {
    const v = vSpace.get(rows);
    const d = reflectors.data;
    const ld = reflectors.stride[1]!;
    for (let j = k - 1; j >= 0; j--) {
      // The explicit vector (1, v_j(j+1..)) without building views.
      const src = reflectors.offset + j * ld;
      v[0] = 1;
      for (let r = j + 1; r < rows; r++) v[r - j] = d[src + r]!;
      applyReflector(v, 0, tau[j]!, c.lo(j, 0));
    }
    return;
  }
  const engine = activeEngine();
  if (engine !== null && applyInEngine(engine, reflectors, tau, c)) return;
  const scratch: ReflectorScratch = {
    v: vSpace.get(rows * BLOCK),
    w: wSpace.get(BLOCK * Math.max(nc, BLOCK)),
    w2: w2Space.get(BLOCK * Math.max(nc, BLOCK)),
  };
  applyBlocks(reflectors, tau, c, scratch, tSpace.get(BLOCK * BLOCK));
}

/**
 * The blocked sequence on a copy of `C` in the engine's memory.
 * @returns `false`, with nothing done, if the memory cannot hold it
 */
function applyInEngine(
  engine: WasmEngine,
  reflectors: Matrix,
  tau: Float64Array,
  c: Matrix,
): boolean {
  const rows = c.shape[0]!;
  const nc = c.shape[1]!;
  const wSize = BLOCK * Math.max(nc, BLOCK);
  const vSize = reflectors.shape[0]! * BLOCK;
  return engine.withClaim([rows * nc, vSize, wSize, wSize, BLOCK * BLOCK], ([cc, v, w, w2, t]) => {
    const resident = columnMajor(cc!, rows, nc, 0);
    copyColumns(c, resident);
    applyBlocks(reflectors, tau, resident, { v: v!, w: w!, w2: w2! }, t!);
    copyColumns(resident, c);
  });
}

/** `C ← Q·C` block by block, the last block first. */
function applyBlocks(
  reflectors: Matrix,
  tau: Float64Array,
  c: Matrix,
  scratch: ReflectorScratch,
  tBuffer: Float64Array,
): void {
  const rows = reflectors.shape[0]!;
  const k = reflectors.shape[1]!;
  for (let j = Math.floor((k - 1) / BLOCK) * BLOCK; j >= 0; j -= BLOCK) {
    const jb = Math.min(BLOCK, k - j);
    const v = explicitReflectors(reflectors.lo(j, j).hi(rows - j, jb), scratch.v);
    const t = columnMajor(tBuffer, jb, jb, 0);
    formBlockFactor(v, tau, j, t, scratch);
    applyBlockReflector(false, v, t, c.lo(j, 0), 0, scratch);
  }
}
