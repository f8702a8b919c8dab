/**
 * `pnpm bench linalg-dense`: dense kernels and decompositions of
 * `@bkfac/linalg` against ml-matrix (same process) and numpy (one thread).
 * Writes bench/results/linalg-dense.md and .json.
 *
 * To add a case: write `bench/cases/<name>.ts` exporting `() => Table`, import
 * it here and append it to `CASES` (tables appear in that order).
 */
import type { Table } from '../harness.js';
import { writeResults } from '../harness.js';
import { gemmCase } from '../cases/gemm.js';
import { qrCase } from '../cases/qr.js';
import { choleskyCase } from '../cases/cholesky.js';
import { eighCase } from '../cases/eigh.js';
import { svdCase } from '../cases/svd.js';

const CASES: readonly (() => Table)[] = [gemmCase, qrCase, choleskyCase, eighCase, svdCase];

export default function linalgDense(): void {
  const tables = CASES.map((run) => {
    console.error(`# case ${run.name}`);
    return run();
  });
  writeResults(
    'linalg-dense',
    'Dense linear algebra: @bkfac/linalg vs ml-matrix vs numpy',
    'pnpm bench linalg-dense',
    tables,
    tables,
  );
}
