/**
 * Plain data: the values optimizer states, snapshots and checkpoints are made
 * of, recognised across JavaScript realms (worker, vm or test sandboxes).
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { InvalidArgumentError, NonFiniteError, copy } from '@bkfac/linalg';

/** @internal */
export const TYPED = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  u8: Uint8Array,
} as const;

/** @internal */
export type TypedTag = keyof typeof TYPED;

/** @internal */
export type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/**
 * Whether `v` is a plain object of any realm (prototype `null` or some realm's `Object.prototype`).
 * @internal
 */
export function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * The tag of a supported typed array of any realm, else `null`.
 * @internal
 */
export function typedTag(v: unknown): TypedTag | null {
  const name = Object.prototype.toString.call(v).slice(8, -1);
  for (const tag of Object.keys(TYPED) as TypedTag[]) if (TYPED[tag].name === name) return tag;
  return null;
}

/**
 * Whether `v` is a 2-D ndarray over a `Float64Array`.
 * @internal
 */
export function isMatrix(v: unknown): v is Matrix {
  const m = v as Partial<Matrix> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typedTag(m.data) === 'f64' &&
    Array.isArray(m.shape) &&
    m.shape.length === 2 &&
    Array.isArray(m.stride)
  );
}

/** @internal */
export function typeName(v: unknown): string {
  if (typeof v !== 'object' || v === null) return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

/**
 * Deep copy of plain data (objects, arrays, primitives, typed arrays, float64
 * matrices) made of this realm's objects. Unlike `structuredClone`, the copy's
 * typed arrays pass `instanceof` checks inside sandboxes too.
 * @internal
 */
export function clonePlain<T>(value: T, path = 'value'): T {
  const v = value as unknown;
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      throw new InvalidArgumentError('clonePlain', path, 'plain data', typeof v);
    }
    return value;
  }
  const tag = typedTag(v);
  if (tag !== null) return TYPED[tag].from(v as ArrayLike<number>) as T;
  if (isMatrix(v)) return copy(v) as T;
  if (Array.isArray(v)) return v.map((x, i) => clonePlain(x, `${path}[${i}]`)) as T;
  if (!isPlainObject(v))
    throw new InvalidArgumentError('clonePlain', path, 'plain data', typeName(v));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    Object.defineProperty(out, k, {
      value: clonePlain(x, `${path}.${k}`),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}

/**
 * Throws a {@link @bkfac/linalg!NonFiniteError} of `fn` at the first NaN in plain data (numbers,
 * typed arrays, matrices, nested arrays and objects). NaN never occurs in a healthy optimizer or
 * model state, so it marks a corrupt checkpoint; ±Infinity may (e.g. an unbounded option).
 * @internal
 */
export function assertNoNaN(fn: string, path: string, value: unknown): void {
  const v = value;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new NonFiniteError(fn, path, 'its value', v);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  if (typedTag(v) !== null || isMatrix(v)) {
    const data = isMatrix(v) ? copy(v).data : (v as ArrayLike<number>);
    for (let i = 0; i < data.length; i++) {
      if (Number.isNaN(Number(data[i]))) throw new NonFiniteError(fn, path, `entry ${i}`, NaN);
    }
    return;
  }
  if (Array.isArray(v)) v.forEach((x, i) => assertNoNaN(fn, `${path}[${i}]`, x));
  else for (const [k, x] of Object.entries(v)) assertNoNaN(fn, `${path}.${k}`, x);
}
