/**
 * Central finite differences for gradient checks (test helper, not a test file).
 */
import type { NdArray } from 'ndarray';

type Mat = NdArray<Float64Array>;

/** `∂f/∂m` by central differences, perturbing each entry of `m` in place (restored after). */
export function numericGradient(f: () => number, m: Mat, h = 1e-5): number[][] {
  const [rows, cols] = m.shape as [number, number];
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const r: number[] = [];
    for (let j = 0; j < cols; j++) {
      const p = m.offset + i * m.stride[0]! + j * m.stride[1]!;
      const v = m.data[p]!;
      m.data[p] = v + h;
      const up = f();
      m.data[p] = v - h;
      const down = f();
      m.data[p] = v;
      r.push((up - down) / (2 * h));
    }
    out.push(r);
  }
  return out;
}

/**
 * Largest entry-wise gap between an analytic and a numeric gradient, relative to
 * `1 + max|g|`. Central differences with h = 1e-5 on functions with O(1) third
 * derivatives err by ~h² = 1e-10 (plus ~eps/h = 2e-11 rounding), so 1e-6 leaves
 * a wide margin yet fails on any real mistake (a wrong term is O(1)).
 */
export function gradientGap(analytic: number[][], numeric: number[][]): number {
  let gap = 0;
  let scale = 1;
  numeric.forEach((r, i) =>
    r.forEach((v, j) => {
      gap = Math.max(gap, Math.abs(v - analytic[i]![j]!));
      scale = Math.max(scale, Math.abs(v));
    }),
  );
  return gap / scale;
}

export const GRADIENT_TOLERANCE = 1e-6;
