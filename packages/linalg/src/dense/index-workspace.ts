/**
 * Growable integer scratch, the `Int32Array` counterpart of the BLAS layer's `Workspace`.
 * @module
 */

/**
 * A reusable scratch `Int32Array` that only ever grows.
 * @internal
 */
export class IndexWorkspace {
  private buffer = new Int32Array(0);

  /**
   * Returns a buffer of at least `length` entries (contents unspecified).
   * @param length - minimum number of entries
   */
  get(length: number): Int32Array {
    if (this.buffer.length < length) {
      this.buffer = new Int32Array(Math.max(length, Math.ceil(this.buffer.length * 1.5)));
    }
    return this.buffer;
  }
}
