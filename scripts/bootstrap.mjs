#!/usr/bin/env node
// Makes a fresh clone runnable with only Node 20 and npm: finds (or installs
// locally) the pinned pnpm, installs the locked dependencies when they are
// missing or stale, optionally builds, then runs one command.
//
//   node scripts/bootstrap.mjs [--build] [--exec <command> [args...]]
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = manifest.packageManager.replace(/^pnpm@/, '');
const isWindows = process.platform === 'win32';

const args = process.argv.slice(2);
const build = args.includes('--build');
const execAt = args.indexOf('--exec');
const command = execAt >= 0 ? args.slice(execAt + 1) : [];

function log(message) {
  process.stderr.write(`[bootstrap] ${message}\n`);
}

function run(cmd, cmdArgs, options = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', shell: isWindows, ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    log(`'${cmd} ${cmdArgs.join(' ')}' failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

function versionOf(cmd) {
  const r = spawnSync(cmd, ['--version'], { cwd: root, encoding: 'utf8', shell: isWindows });
  return r.status === 0 ? r.stdout.trim() : null;
}

// 1. The pinned pnpm: on PATH, else a project-local copy under .tools/ (corepack
//    cannot be relied on; a local install needs no global write access).
function findPnpm() {
  if (versionOf('pnpm') === pnpmVersion) return 'pnpm';
  const local = join(root, '.tools', 'node_modules', '.bin', isWindows ? 'pnpm.cmd' : 'pnpm');
  if (existsSync(local) && versionOf(local) === pnpmVersion) return local;
  log(`installing pnpm@${pnpmVersion} into .tools/`);
  run('npm', [
    'install',
    '--prefix',
    join(root, '.tools'),
    '--no-audit',
    '--no-fund',
    `pnpm@${pnpmVersion}`,
  ]);
  return local;
}

const pnpm = findPnpm();

// 2. Dependencies: reinstall whenever the lockfile differs from the one last installed.
const lockHash = createHash('sha256')
  .update(readFileSync(join(root, 'pnpm-lock.yaml')))
  .digest('hex');
const stamp = join(root, 'node_modules', '.bkfac-lock-hash');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  log('installing dependencies (pnpm install --frozen-lockfile)');
  run(pnpm, ['install', '--frozen-lockfile']);
  writeFileSync(stamp, lockHash);
}

// 3. Build (incremental; a no-op when nothing changed).
if (build) run(pnpm, ['exec', 'tsc', '-b']);

// 4. The command, with signals left to the child (Ctrl-C reaches it directly).
if (command.length > 0) {
  const child = spawn(pnpm, ['exec', ...command], {
    cwd: root,
    stdio: 'inherit',
    shell: isWindows,
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
