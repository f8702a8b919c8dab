/**
 * Plain data: the values optimizer states, snapshots and checkpoints are made
 * of, recognised across JavaScript realms (worker, vm or test sandboxes).
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { InvalidArgumentError, copy } from '@bkfac/linalg';

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
