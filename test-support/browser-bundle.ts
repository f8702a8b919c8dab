/**
 * Bundles a package's sources for the browser with esbuild; the build fails
 * on any Node built-in (`node:fs`, `path`, …), which is what this guards.
 */
import { buildSync } from 'esbuild';

/** Returns the bundle size in bytes; throws esbuild's error listing any unresolvable import. */
export function bundleForBrowser(entry: string): number {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    // resolve sibling workspace packages from source, as a bundler with TS paths would
    alias: {
      '@bkfac/linalg': entry.replace(
        /packages\/[^/]+\/src\/index\.ts$/,
        'packages/linalg/src/index.ts',
      ),
      '@bkfac/linalg/validate': entry.replace(
        /packages\/[^/]+\/src\/index\.ts$/,
        'packages/linalg/src/validate.ts',
      ),
    },
  });
  return result.outputFiles.reduce((s, f) => s + f.contents.length, 0);
}
