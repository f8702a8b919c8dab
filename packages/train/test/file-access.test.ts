import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'bkfac-files-'));
}

// The CLI runs as a subprocess on the sources, as in cli.test.ts.
const root = join(__dirname, '..', '..', '..');
const main = join(root, 'packages', 'train', 'src', 'main.ts');
const env = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.test.json') };

function train(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
}

describe('bkfac train: file access errors', () => {
  it('bkfac train with an --out that cannot be created fails in one line before training', () => {
    const dir = scratch();
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    const r = train(['--out', join(file, 'run'), '--quiet']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^bkfac train: cannot create the folder '${join(file, 'run')}': ENOTDIR[^\\n]*\\n$`,
      ),
    );
    expect(r.stdout).toBe('');
  });

  it('bkfac train --resume on a missing checkpoint fails in one typed line', () => {
    const missing = join(scratch(), 'none.bkfac');
    const r = train(['--resume', missing]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^loadCheckpoint: cannot read '${missing}': ENOENT[^\\n]*\\n$`),
    );
  });
});
