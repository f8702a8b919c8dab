/**
 * Errors specific to `@bkfac/nn`. Every other failure uses the typed errors of
 * `@bkfac/linalg` (ShapeError, InvalidArgumentError, NonFiniteError, …).
 * @module
 */
import { BkfacError } from '@bkfac/linalg';

/**
 * A file or buffer (IDX data, checkpoint) does not have the expected binary
 * format: wrong magic number, inconsistent sizes, truncation or a bad checksum.
 *
 * @example
 * ```ts
 * import { DataFormatError, parseIdx } from '@bkfac/nn';
 * try {
 *   parseIdx(new Uint8Array([1, 2, 3]), 'tiny.idx');
 * } catch (e) {
 *   console.log(e instanceof DataFormatError); // true
 * }
 * ```
 */
export class DataFormatError extends BkfacError {
  /** Name of the file or buffer that was rejected. */
  readonly source: string;

  /**
   * @param fn - name of the public function that rejected the data
   * @param source - file name or description of the buffer
   * @param detail - what is wrong, with expected and received values
   */
  constructor(fn: string, source: string, detail: string) {
    super(fn, `${fn}: ${source} is not valid: ${detail}`);
    this.source = source;
  }
}
