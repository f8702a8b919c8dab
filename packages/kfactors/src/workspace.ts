/**
 * Scratch memory of the K-factor routines, as an explicit object the caller
 * owns: never part of the plain-data state, never serialised, reusable across
 * layers and steps so the steady state allocates no large arrays.
 * @module
 */
import { InvalidArgumentError } from '@bkfac/linalg';

/**
 * The named buffers of a {@link Workspace}; each routine uses its own names, so
 * two uses can never overlap by accident.
 * - `brandIncrement`, `brandValues`, `brandVectors`: a Brand step's `M` and its result;
 * - `shiftedValues`: the eigenvalues `D − c` of an adaptive-damping solve;
 * - `left`, `update`: {@link precondition}'s intermediate `Γ̂⁻¹·∇W` and its unclipped result;
 * - `kroneckerProduct`, `kroneckerRotated`: the rotations of Kronecker-damped K-FAC.
 *
 * @example
 * ```ts
 * import { createWorkspace, type WorkspaceBuffer } from '@bkfac/kfactors';
 * const name: WorkspaceBuffer = 'left';
 * console.log(createWorkspace().buffer(name, 6).length); // 6
 * ```
 * @category Preconditioning
 */
export type WorkspaceBuffer =
  | 'brandIncrement'
  | 'brandValues'
  | 'brandVectors'
  | 'shiftedValues'
  | 'left'
  | 'update'
  | 'kroneckerProduct'
  | 'kroneckerRotated';

/**
 * Growable scratch buffers for {@link updateLayer}, {@link precondition} and
 * {@link preconditionFactored}. Pass one (per thread of work) as
 * `options.workspace` to make repeated calls allocation-free; without one each
 * call uses a fresh workspace. One workspace may serve any number of layers used
 * one after another; it must not be shared by two calls in flight at once.
 *
 * @example
 * ```ts
 * import { createLayerState, createWorkspace, precondition, updateLayer } from '@bkfac/kfactors';
 * import { fromRows } from '@bkfac/linalg';
 * const workspace = createWorkspace();
 * const state = createLayerState({ strategy: 'kfac' }, { inputDim: 2, outputDim: 1, batchSize: 2 });
 * updateLayer(state, { step: 0, epoch: 0 }, { inputs: fromRows([[1, 1], [-1, 1]]), gradients: fromRows([[0.1], [0.3]]) }, { workspace });
 * precondition(state, fromRows([[0.2, 0.1]]), { workspace });
 * console.log(workspace.bytes > 0); // true
 * workspace.release();
 * console.log(workspace.bytes); // 0
 * ```
 * @category Preconditioning
 */
export class Workspace {
  readonly #buffers = new Map<WorkspaceBuffer, Float64Array>();

  /**
   * The buffer `name` with room for at least `length` entries (grown, never
   * shrunk; its contents are unspecified).
   * @param name - which buffer
   * @param length - entries needed
   * @returns the buffer (possibly longer than `length`)
   * @throws {@link @bkfac/linalg!InvalidArgumentError} if `length` is not a non-negative safe integer
   */
  buffer(name: WorkspaceBuffer, length: number): Float64Array {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new InvalidArgumentError(
        'Workspace.buffer',
        'length',
        'a non-negative integer',
        length,
      );
    }
    let buffer = this.#buffers.get(name);
    if (buffer === undefined || buffer.length < length) {
      buffer = new Float64Array(length);
      this.#buffers.set(name, buffer);
    }
    return buffer;
  }

  /** Bytes held by all buffers. */
  get bytes(): number {
    let total = 0;
    for (const b of this.#buffers.values()) total += b.byteLength;
    return total;
  }

  /** Drops every buffer (the next use allocates again). */
  release(): void {
    this.#buffers.clear();
  }
}

/**
 * A new, empty {@link Workspace}.
 *
 * @returns the workspace
 * @example
 * ```ts
 * import { createWorkspace } from '@bkfac/kfactors';
 * const w = createWorkspace();
 * const a = w.buffer('update', 4);
 * console.log([w.buffer('update', 2) === a, w.buffer('update', 8) === a]); // [true, false]
 * ```
 * @category Preconditioning
 */
export function createWorkspace(): Workspace {
  return new Workspace();
}

/**
 * The workspace of an options object, checked, or a fresh one.
 * @internal
 */
export function workspaceOf(fn: string, arg: string, workspace: unknown): Workspace {
  if (workspace === undefined) return new Workspace();
  if (!(workspace instanceof Workspace)) {
    throw new InvalidArgumentError(fn, arg, 'a Workspace from createWorkspace', workspace);
  }
  return workspace;
}
