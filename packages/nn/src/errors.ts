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
 * @category Errors
 */
export class DataFormatError extends BkfacError {
  override name = 'DataFormatError';
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

/**
 * A file or folder could not be read, created or written (missing, a folder where a file was
 * expected, no permission…). `code` is the operating system's error code, e.g. `'ENOENT'`.
 *
 * @example
 * ```ts
 * import { FileAccessError, loadCheckpoint } from '@bkfac/nn';
 * try {
 *   loadCheckpoint('/no/such/folder/run.bkfac');
 * } catch (e) {
 *   console.log(e instanceof FileAccessError, (e as FileAccessError).code); // true ENOENT
 * }
 * ```
 * @category Errors
 */
export class FileAccessError extends BkfacError {
  override name = 'FileAccessError';
  /** The path that could not be accessed. */
  readonly path: string;
  /** Operating-system error code (`'ENOENT'`, `'EISDIR'`, `'EACCES'`, …), or `'UNKNOWN'`. */
  readonly code: string;

  /**
   * @param fn - name of the public function that needed the file
   * @param path - the file or folder
   * @param action - what was attempted, e.g. `'read'` or `'create the folder'`
   * @param cause - the underlying error
   */
  constructor(fn: string, path: string, action: string, cause: unknown) {
    const code = (cause as { code?: unknown })?.code;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(fn, `${fn}: cannot ${action} '${path}': ${reason}`);
    this.path = path;
    this.code = typeof code === 'string' ? code : 'UNKNOWN';
  }
}
