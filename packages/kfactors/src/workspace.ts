/**
 * Per-factor scratch buffers, kept outside the plain-data state (they are
 * never serialised) so the steady state allocates no large arrays.
 * @module
 */
import type { FactorState } from './state.js';

/**
 * Scratch of one factor.
 * @internal
 */
export interface FactorWorkspace {
  /** Brand increment `M` (`d x n`, column-major). */
  increment: Float64Array;
  /** Output eigenvalues of a Brand step. */
  values: Float64Array;
  /** Output eigenvectors of a Brand step (column-major). */
  vectors: Float64Array;
}

const workspaces = new WeakMap<FactorState, FactorWorkspace>();

/**
 * The workspace of `factor`, with room for at least the given sizes.
 * @internal
 */
export function factorWorkspace(
  factor: FactorState,
  incrementLength: number,
  columns: number,
): FactorWorkspace {
  let w = workspaces.get(factor);
  if (w === undefined) {
    w = {
      increment: new Float64Array(0),
      values: new Float64Array(0),
      vectors: new Float64Array(0),
    };
    workspaces.set(factor, w);
  }
  if (w.increment.length < incrementLength) w.increment = new Float64Array(incrementLength);
  if (w.values.length < columns) {
    w.values = new Float64Array(columns);
    w.vectors = new Float64Array(columns * factor.dim);
  }
  return w;
}

/**
 * A growable scratch buffer keyed by an owner object (layer-level products).
 * @internal
 */
export function scratch(owner: object, slot: number, length: number): Float64Array {
  let slots = scratchBuffers.get(owner);
  if (slots === undefined) {
    slots = [];
    scratchBuffers.set(owner, slots);
  }
  let buffer = slots[slot];
  if (buffer === undefined || buffer.length < length) {
    buffer = new Float64Array(length);
    slots[slot] = buffer;
  }
  return buffer;
}

const scratchBuffers = new WeakMap<object, Float64Array[]>();
