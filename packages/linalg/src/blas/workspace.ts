/**
 * Module-level growable scratch buffers, so that steady-state kernel calls
 * allocate nothing: a buffer grows (geometrically) only when a call needs
 * more room than any call before it.
 * @module
 */

/**
 * A reusable scratch `Float64Array` that only ever grows.
 * @internal
 */
export class Workspace {
  private buffer = new Float64Array(0);

  /**
   * Returns a buffer of at least `length` entries (contents unspecified).
   * @param length - minimum number of entries
   */
  get(length: number): Float64Array {
    if (this.buffer.length < length) {
      this.buffer = new Float64Array(Math.max(length, Math.ceil(this.buffer.length * 1.5)));
    }
    return this.buffer;
  }
}
