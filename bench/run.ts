/**
 * Benchmark entry point: `pnpm bench [suite ...]` runs the named suites of
 * `bench/suites/` (all of them without arguments). Each suite writes its
 * tables to `bench/results/`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const suitesDir = join(dirname(fileURLToPath(import.meta.url)), 'suites');
const available = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
const requested = process.argv.slice(2);
const unknown = requested.filter((s) => !available.includes(s));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : available) {
  console.error(`# suite ${name}`);
  const mod = (await import(pathToFileURL(join(suitesDir, `${name}.ts`)).href)) as {
    default: () => Promise<void> | void;
  };
  await mod.default();
}
