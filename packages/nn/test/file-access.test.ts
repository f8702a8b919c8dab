import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessError, loadCheckpoint, loadMnist, saveCheckpoint } from '@bkfac/nn';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'bkfac-files-'));
}

describe('file access errors', () => {
  it('loadCheckpoint on a missing file or a folder is a FileAccessError naming it', () => {
    const dir = scratch();
    const missing = join(dir, 'none.bkfac');
    expect(() => loadCheckpoint(missing)).toThrow(FileAccessError);
    expect(() => loadCheckpoint(missing)).toThrow(`loadCheckpoint: cannot read '${missing}'`);
    try {
      loadCheckpoint(dir);
    } catch (e) {
      expect(e).toBeInstanceOf(FileAccessError);
      expect((e as FileAccessError).code).toBe('EISDIR');
    }
    expect.assertions(4);
  });

  it('loadMnist on a missing folder is a FileAccessError', () => {
    const dir = join(scratch(), 'absent');
    expect(() => loadMnist({ split: 'test', directory: dir })).toThrow(FileAccessError);
    expect(() => loadMnist({ split: 'test', directory: dir })).toThrow(/^loadMnist: cannot read/);
  });

  it('saveCheckpoint under a file is a FileAccessError and leaves no temporary file', () => {
    const dir = scratch();
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    expect(() => saveCheckpoint(join(file, 'sub', 'c.bkfac'), { a: 1 })).toThrow(FileAccessError);
    expect(readdirSync(dir)).toEqual(['plain']);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('saveCheckpoint creates missing parent folders', () => {
    const path = join(scratch(), 'a', 'b', 'c.bkfac');
    saveCheckpoint(path, { step: 3 });
    expect(loadCheckpoint(path)).toEqual({ step: 3 });
  });
});
