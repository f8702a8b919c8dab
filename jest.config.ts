import type { Config } from 'jest';

type Project = NonNullable<Config['projects']>[number];

/** One project per package; `@bkfac/*` resolves to sources so tests need no build. */
function project(
  name: string,
  variant?: { label: string; setup: string; ignore: string[] },
): Project {
  return {
    displayName: variant === undefined ? name : `${name} · ${variant.label}`,
    rootDir: `<rootDir>/packages/${name}`,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', ...(variant?.ignore ?? [])],
    setupFiles: variant === undefined ? [] : [`<rootDir>/../../test-support/${variant.setup}`],
    setupFilesAfterEnv: ['<rootDir>/../../test-support/setup.ts'],
    moduleNameMapper: {
      '^@bkfac/(linalg|kfactors|nn)$': '<rootDir>/../$1/src/index.ts',
      '^@bkfac/linalg/validate$': '<rootDir>/../linalg/src/validate.ts',
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.jest.json' }],
    },
  };
}

// The default projects run the default kernels (WebAssembly SIMD, one thread).
// The numerics run again on the scalar kernels and on two threads; tests that
// choose their own kernels or none (engine, environment, bundles, browser) run once.
const kernelIndependent = [
  'export-fuzz',
  'browser-bundle',
  'browser-wasm',
  'compute-environment',
  'compute-engine',
];
const scalar = { label: 'js kernels', setup: 'kernels-js.ts', ignore: kernelIndependent };
const twoThreads = { label: '2 threads', setup: 'threads-2.ts', ignore: kernelIndependent };

const config: Config = {
  projects: [
    project('linalg'),
    project('kfactors'),
    project('nn'),
    project('train'),
    project('linalg', scalar),
    project('kfactors', scalar),
    project('linalg', twoThreads),
  ],
};

export default config;
