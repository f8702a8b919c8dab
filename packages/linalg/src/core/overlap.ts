/**
 * Detects outputs that share elements with an input: a kernel that writes while it reads would
 * silently compute with half-updated operands.
 * @module
 */
import { assertMatrix } from './validate.js';
import { InvalidArgumentError } from './errors.js';
import type { Matrix } from './matrix.js';

/** The elements of a 2-D view or a contiguous vector, as global indices of its buffer. */
interface Footprint {
  readonly buffer: ArrayBufferLike;
  /** Index (in float64 elements from the start of the buffer) of the first element. */
  readonly base: number;
  readonly shape: readonly [number, number];
  readonly stride: readonly [number, number];
}

function footprint(x: Matrix | Float64Array): Footprint {
  if (x instanceof Float64Array) {
    return { buffer: x.buffer, base: x.byteOffset / 8, shape: [x.length, 1], stride: [1, 1] };
  }
  const data = x.data as Float64Array;
  return {
    buffer: data.buffer,
    base: data.byteOffset / 8 + x.offset,
    shape: [x.shape[0]!, x.shape[1]!],
    stride: [x.stride[0]!, x.stride[1]!],
  };
}

/** Smallest and largest index a footprint touches (`null` when it is empty). */
function span(f: Footprint): [number, number] | null {
  const [r, c] = f.shape;
  if (r === 0 || c === 0) return null;
  let lo = f.base;
  let hi = f.base;
  for (let k = 0; k < 2; k++) {
    const reach = f.stride[k]! * (f.shape[k]! - 1);
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  return [lo, hi];
}

/**
 * Calls `visit(k - lo)` for every element `k` of the footprint inside `[lo, hi]`, until a call
 * returns `true`; returns whether one did.
 */
function someInRange(
  f: Footprint,
  lo: number,
  hi: number,
  visit: (at: number) => boolean,
): boolean {
  const [r, c] = f.shape;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const at = f.base + i * f.stride[0] + j * f.stride[1];
      if (at >= lo && at <= hi && visit(at - lo)) return true;
    }
  }
  return false;
}

/**
 * Whether two views share at least one element. Views over different buffers, or whose index
 * ranges do not intersect, are decided at once; interleaved views (e.g. two columns of one
 * row-major matrix) are checked element by element over the common range only.
 * @internal
 */
export function sharesElements(a: Matrix | Float64Array, b: Matrix | Float64Array): boolean {
  const fa = footprint(a);
  const fb = footprint(b);
  if (fa.buffer !== fb.buffer) return false;
  const sa = span(fa);
  const sb = span(fb);
  if (sa === null || sb === null) return false;
  const lo = Math.max(sa[0], sb[0]);
  const hi = Math.min(sa[1], sb[1]);
  if (lo > hi) return false;
  const marks = new Uint8Array(hi - lo + 1);
  someInRange(fa, lo, hi, (k) => ((marks[k] = 1), false));
  return someInRange(fb, lo, hi, (k) => marks[k] === 1);
}

/**
 * Asserts that an output view shares no element with an input view (so writing
 * the output cannot change the input mid-computation). Views over different
 * buffers, or whose index ranges do not meet, are decided at once.
 *
 * @param fn - calling function, named in the error
 * @param outArg - name of the output argument
 * @param out - output matrix (any strides, already checked by {@link assertMatrix}) or vector
 * @param inputArg - name of the input argument
 * @param input - input matrix (already checked) or vector
 * @throws {@link InvalidArgumentError} naming `fn` and `outArg` if they share an element
 * @example
 * ```ts
 * import { zeros } from '@bkfac/linalg';
 * import { assertDisjoint } from '@bkfac/linalg/validate';
 * const a = zeros(4, 4);
 * assertDisjoint('demo', 'out', a.hi(2, 4), 'a', a.lo(2, 0)); // rows 0-1 vs rows 2-3: fine
 * try {
 *   assertDisjoint('demo', 'out', a, 'a', a.lo(2, 0));
 * } catch (e) {
 *   console.log((e as Error).name); // InvalidArgumentError
 * }
 * ```
 * @category Validation
 */
export function assertDisjoint(
  fn: string,
  outArg: string,
  out: Matrix | Float64Array,
  inputArg: string,
  input: Matrix | Float64Array,
): void {
  assertStorage(fn, outArg, out);
  assertStorage(fn, inputArg, input);
  if (sharesElements(out, input)) {
    throw new InvalidArgumentError(
      fn,
      outArg,
      `storage that shares no element with '${inputArg}'`,
      `a view overlapping '${inputArg}'`,
    );
  }
}

/** `x` must be a Float64Array or a matrix over one. */
function assertStorage(fn: string, arg: string, x: unknown): void {
  if (!(x instanceof Float64Array)) assertMatrix(fn, arg, x);
}
