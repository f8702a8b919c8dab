/**
 * Checkpoint files: encoded trees written atomically (temp file, fsync, rename).
 * @module
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { FileAccessError } from '../errors.js';
import { decodeTree, encodeTree } from './codec.js';
import { ensureWritableFolder, readFileFor } from './files.js';

/**
 * Writes `value` (plain data, see {@link encodeTree}) to `path` atomically:
 * the bytes go to a temporary file in the same folder, are flushed to disk,
 * then renamed over `path`, so a crash leaves either the old file or the new
 * one, never a torn one.
 *
 * @param path - destination file (its folder is created if missing)
 * @param value - the tree to save
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `value` holds unsupported data
 * @throws {@link FileAccessError} if the folder cannot be created or the file written (the
 *   previous file at `path`, if any, is left as it was)
 * @example
 * ```ts
 * import { loadCheckpoint, saveCheckpoint } from '@bkfac/nn';
 * import { join } from 'node:path';
 * import { tmpdir } from 'node:os';
 * const path = join(tmpdir(), 'demo.ckpt');
 * saveCheckpoint(path, { step: 1 });
 * console.log(loadCheckpoint(path)); // {"step": 1}
 * ```
 * @category Checkpoints
 */
export function saveCheckpoint(path: string, value: unknown): void {
  const fn = 'saveCheckpoint';
  const bytes = encodeTree(value);
  ensureWritableFolder(fn, dirname(path));
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'w');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (e) {
    // Never leave the temporary file behind: the old checkpoint (if any) stays as it was.
    if (fd !== null) closeSync(fd);
    rmSync(temp, { force: true });
    throw new FileAccessError(fn, path, 'write', e);
  }
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}.
 *
 * @param path - checkpoint file
 * @returns the saved tree
 * @throws {@link DataFormatError} if the file is corrupt or truncated
 * @throws {@link FileAccessError} if the file is missing or cannot be read
 * @example
 * ```ts
 * import { loadCheckpoint, saveCheckpoint } from '@bkfac/nn';
 * import { join } from 'node:path';
 * import { tmpdir } from 'node:os';
 * const path = join(tmpdir(), 'demo2.ckpt');
 * saveCheckpoint(path, [new Float64Array([1.5])]);
 * console.log(loadCheckpoint(path)); // [[1.5]]
 * ```
 * @category Checkpoints
 */
export function loadCheckpoint(path: string): unknown {
  return decodeTree(readFileFor('loadCheckpoint', path), path);
}
