import type { Config } from 'jest';

const packages = ['linalg', 'kfactors', 'nn'] as const;

// One project per package; `@bkfac/*` resolves to sources so tests need no build.
const config: Config = {
  projects: packages.map((name) => ({
    displayName: name,
    rootDir: `<rootDir>/packages/${name}`,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    setupFilesAfterEnv: ['<rootDir>/../../test-support/setup.ts'],
    moduleNameMapper: {
      '^@bkfac/(linalg|kfactors|nn)$': '<rootDir>/../$1/src/index.ts',
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.jest.json' }],
    },
  })),
};

export default config;
