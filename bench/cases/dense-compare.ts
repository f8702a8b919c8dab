/**
 * Shared scaffolding of the dense-decomposition benchmark cases: time bkfac
 * and ml-matrix on the same inputs in this process, and numpy (one OpenBLAS
 * thread) in a child process when python3 with numpy is present.
 */
import type { Table } from '../harness.js';
import { formatMs, formatRatio, measure, runNumpy } from '../harness.js';

/** One row of a comparison: the same decomposition by bkfac and by ml-matrix. */
export interface Contender {
  /** Row label, e.g. `1024x256`. */
  readonly label: string;
  /** The bkfac call (inputs prepared outside). */
  readonly bkfac: () => unknown;
  /** The equivalent ml-matrix call. */
  readonly mlMatrix: () => unknown;
}

/** ml-matrix is 5-30x slower: fewer samples keep the suite short without hurting the median. */
const ML_MATRIX_SAMPLING = { minTimeMs: 600, minSamples: 3 };

/**
 * Median milliseconds of `call` on `a = makeInput` for each shape (`shape`
 * is bound to each entry of `shapes` in Python), or `null` without numpy.
 */
export function numpyMedians(
  shapes: readonly (readonly number[])[],
  makeInput: string,
  call: string,
): number[] | null {
  const script = `
import json, time, numpy as np
rng = np.random.default_rng(0)
out = []
for shape in ${JSON.stringify(shapes)}:
    a = ${makeInput}
    ${call}
    ts = []
    while sum(ts) < 0.5 or len(ts) < 5:
        t0 = time.perf_counter()
        ${call}
        ts.append(time.perf_counter() - t0)
    ts.sort()
    out.append(ts[len(ts) // 2] * 1e3)
print(json.dumps(out))
`;
  const stdout = runNumpy(script);
  return stdout === null ? null : (JSON.parse(stdout) as number[]);
}

/** Times every contender and renders the bkfac / ml-matrix / numpy table. */
export function comparisonTable(
  title: string,
  contenders: readonly Contender[],
  numpy: readonly number[] | null,
  notes: readonly string[],
): Table {
  const rows = contenders.map((c, i) => {
    const bk = measure(c.bkfac).median;
    const ml = measure(c.mlMatrix, ML_MATRIX_SAMPLING).median;
    const np = numpy?.[i];
    return [
      c.label,
      formatMs(bk),
      formatMs(ml),
      formatRatio(ml / bk),
      np === undefined ? 'n/a' : formatMs(np),
      np === undefined ? 'n/a' : formatRatio(bk / np),
    ];
  });
  return {
    title,
    columns: [
      'size',
      'bkfac',
      'ml-matrix 6.15',
      'bkfac speed-up vs ml-matrix',
      'numpy (1 thread)',
      'bkfac time / numpy time',
    ],
    rows,
    notes: [
      ...notes,
      'median of repeated samples after warm-up; ml-matrix and bkfac timed in the same process',
    ],
  };
}
