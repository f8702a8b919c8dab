/**
 * File-system access that turns operating-system failures into {@link FileAccessError}s.
 * @module
 */
import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileAccessError } from '../errors.js';

/**
 * The bytes of `path`; a missing or unreadable file, or a folder, is a typed error of `fn`.
 * @internal
 */
export function readFileFor(fn: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new FileAccessError(fn, path, 'read', e);
  }
}

/**
 * Creates `folder` and its missing parents, then checks it is a writable folder. Parents are
 * created one at a time from the deepest existing one (no recursive `mkdir`, which was seen to
 * hang on some paths), so the first failure names the exact component.
 *
 * @param fn - the function or command the user called, named in the error
 * @param folder - the folder
 * @throws {@link FileAccessError} if a component cannot be created, or the folder is not a writable folder
 * @example
 * ```ts
 * import { mkdtempSync, statSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { ensureWritableFolder } from '@bkfac/nn';
 * const folder = join(mkdtempSync(join(tmpdir(), 'bkfac-')), 'runs', 'today');
 * ensureWritableFolder('my-app', folder);
 * console.log(statSync(folder).isDirectory()); // true
 * ```
 * @category Checkpoints
 */
export function ensureWritableFolder(fn: string, folder: string): void {
  const missing: string[] = [];
  let current = resolve(folder);
  while (!exists(current)) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]!);
    } catch (e) {
      throw new FileAccessError(fn, missing[i]!, 'create the folder', e);
    }
  }
  try {
    if (!statSync(folder).isDirectory()) {
      throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    }
    accessSync(folder, constants.W_OK);
  } catch (e) {
    throw new FileAccessError(fn, folder, 'write into the folder', e);
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
