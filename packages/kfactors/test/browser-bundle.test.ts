import { join } from 'node:path';
import { bundleForBrowser } from '../../../test-support/browser-bundle';

describe('@bkfac/kfactors in a browser bundle', () => {
  it('bundles with esbuild for the browser platform (no Node built-ins)', () => {
    expect(bundleForBrowser(join(__dirname, '..', 'src', 'index.ts'))).toBeGreaterThan(1000);
  });
});
