// Throws generated bad inputs at every function a package exports. Each export
// has a template (a factory for one valid call); every argument, and every field
// of an object argument, is replaced in turn by values of the wrong type, shape,
// size or magnitude (also every matrix argument at once). A call must either return a finite result or throw a
// BkfacError naming the function called, and a failed call must leave every
// argument as it was. fast-check then combines two mutations at random.
import fc from 'fast-check';
import ndarray from 'ndarray';
import { BkfacError } from '@bkfac/linalg';

/** A factory for the arguments of one valid call (fresh objects every time). */
export type Template = () => unknown[];

/** What `check` saw. */
export type Outcome = 'returned' | 'threw';

/** `value` put at `path` of the arguments; `bad` names the value, `label` the whole mutation. */
type Mutation = { path: (string | number)[]; value: unknown; bad: string; label: string };

const isNdarray = (x: unknown): x is ndarray.NdArray =>
  typeof x === 'object' && x !== null && 'shape' in x && 'stride' in x && 'data' in x;

/** The functions of a module that are meant to be called (error classes are constructors). */
export function callableExports(mod: Record<string, unknown>): string[] {
  return Object.keys(mod)
    .filter((k) => typeof mod[k] === 'function')
    .filter((k) => !(mod[k] as { prototype?: unknown }).prototype || !isErrorClass(mod[k]))
    .sort();
}

function isErrorClass(f: unknown): boolean {
  const proto = (f as { prototype?: unknown }).prototype;
  return proto instanceof Error || proto === Error.prototype;
}

function matrixLike(m: ndarray.NdArray): ndarray.NdArray {
  return ndarray(Float64Array.from(toArray(m)), [m.shape[0]!, m.shape[1]!]);
}

function toArray(m: ndarray.NdArray): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.shape[0]!; i++) for (let j = 0; j < m.shape[1]!; j++) out.push(m.get(i, j));
  return out;
}

function mapMatrix(m: ndarray.NdArray, f: (x: number, i: number, j: number) => number) {
  const out = matrixLike(m);
  for (let i = 0; i < m.shape[0]!; i++) {
    for (let j = 0; j < m.shape[1]!; j++) out.set(i, j, f(m.get(i, j), i, j));
  }
  return out;
}

function largest(xs: ArrayLike<number>): number {
  let big = 0;
  for (let i = 0; i < xs.length; i++) big = Math.max(big, Math.abs(xs[i]!));
  return big;
}

const GENERIC: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'x'],
  ['an empty object', {}],
  ['an empty array', []],
];

/** Bad values for an argument whose valid value is `v`. */
export function badValuesFor(v: unknown): [string, unknown][] {
  const out: [string, unknown][] = [...GENERIC];
  if (isNdarray(v) && v.shape.length === 2) {
    const [m, n] = v.shape as [number, number];
    const big = largest(toArray(v)) || 1;
    out.push(
      ['a number', 42],
      [
        'nested arrays',
        [
          [1, 2],
          [3, 4],
        ],
      ],
      ['an ndarray over a plain Array', ndarray(toArray(v), [m, n])],
      ['an ndarray over a Float32Array', ndarray(Float32Array.from(toArray(v)), [m, n])],
      ['a 1-D ndarray', ndarray(new Float64Array(Math.max(m * n, 1)), [Math.max(m * n, 1)])],
      ['a 3-D ndarray', ndarray(new Float64Array(8), [2, 2, 2])],
      ['a 0x0 matrix', ndarray(new Float64Array(0), [0, 0])],
      ['one more row', ndarray(new Float64Array((m + 1) * n).fill(0.5), [m + 1, n])],
      ['one more column', ndarray(new Float64Array(m * (n + 1)).fill(0.5), [m, n + 1])],
    );
    if (m > 0 && n > 0) {
      out.push(
        ['a NaN entry', mapMatrix(v, (x, i, j) => (i === m - 1 && j === n - 1 ? NaN : x))],
        ['a +Infinity entry', mapMatrix(v, (x, i, j) => (i === 0 && j === 0 ? Infinity : x))],
        ['a -Infinity entry', mapMatrix(v, (x, i, j) => (i === m - 1 && j === 0 ? -Infinity : x))],
        ['entries near the float64 maximum', mapMatrix(v, (x) => (x / big) * 1.7e308)],
        [
          'every entry near the float64 maximum',
          mapMatrix(v, (_, i, j) => ((i + j) % 2 ? -1 : 1) * (10 + ((3 * i + 7 * j) % 7)) * 1e307),
        ],
        ['entries scaled to 1e300', mapMatrix(v, (x) => (x / big) * 1e300)],
        ['entries scaled to 1e-300', mapMatrix(v, (x) => (x / big) * 1e-300)],
        ['subnormal entries', mapMatrix(v, (x) => (x / big) * 1e-310)],
        ['all zeros', mapMatrix(v, () => 0)],
        [
          'a non-symmetric perturbation',
          mapMatrix(v, (x, i, j) => (i === 0 && j === n - 1 ? x + big : x)),
        ],
      );
    }
    return out;
  }
  if (v instanceof Float64Array) {
    const big = largest(v) || 1;
    const scaled = (s: number) => v.map((x) => (x / big) * s);
    out.push(
      ['a number', 42],
      ['one more entry', Float64Array.from([...v, 0.5])],
      ['a plain array', Array.from(v)],
      ['a Float32Array', Float32Array.from(v)],
      ['an empty Float64Array', new Float64Array(0)],
    );
    if (v.length > 0) {
      out.push(
        ['one entry fewer', v.slice(0, -1)],
        ['a NaN entry', v.map((x, i) => (i === 0 ? NaN : x))],
        ['an Infinity entry', v.map((x, i) => (i === v.length - 1 ? Infinity : x))],
        ['a negative entry', v.map((x, i) => (i === 0 ? -Math.abs(x) - 1 : x))],
        ['entries near the float64 maximum', scaled(1.7e308)],
        ['entries scaled to 1e-300', scaled(1e-300)],
      );
    }
    return out;
  }
  if (typeof v === 'number') {
    out.push(
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
      ['-1', -1],
      ['0', 0],
      ['-0', -0],
      ['0.5', 0.5],
      ['1.5', 1.5],
      ['1e308', 1e308],
      ['-1e308', -1e308],
      ['2^53', 2 ** 53],
      ['a subnormal', 1e-320],
      ['a numeric string', '1'],
      ['true', true],
    );
    return out;
  }
  if (typeof v === 'string') {
    out.push(['an empty string', ''], ['an unknown name', 'nonsense'], ['a number', 42]);
    return out;
  }
  if (typeof v === 'boolean') {
    out.push(['the string "no"', 'no'], ['1', 1], ['0', 0]);
    return out;
  }
  if (typeof v === 'function') {
    out.push(['a number', 42]);
    return out;
  }
  if (Array.isArray(v)) {
    out.push(['a number', 42], ['an array of strings', v.map(() => 'x')]);
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    out.push(['a number', 42], ['an array', [v]]);
  }
  return out;
}

/**
 * Every single mutation of a template's arguments: each argument, then each
 * field of objects (depth 3); arguments at `fixed` positions are left alone.
 */
export function mutationsOf(args: unknown[], fixed: readonly number[] = []): Mutation[] {
  const out: Mutation[] = [];
  const visit = (value: unknown, path: (string | number)[], depth: number): void => {
    for (const [label, bad] of badValuesFor(value)) {
      out.push({ path, value: bad, bad: label, label: `${path.join('.')} = ${label}` });
    }
    if (depth >= 3 || typeof value !== 'object' || value === null || ArrayBuffer.isView(value))
      return;
    if (isNdarray(value)) return;
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    for (const key of keys) {
      visit((value as Record<string | number, unknown>)[key], [...path, key], depth + 1);
    }
  };
  args.forEach((a, i) => {
    if (!fixed.includes(i)) visit(a, [i], 0);
  });
  return out;
}

/**
 * Mutations applied together: the same magnitude (entries near the maximum,
 * scaled to 1e±300, subnormal) in every matrix and vector argument at once,
 * where overflow needs more than one large operand (a sum, a product).
 */
export function jointMutationsOf(single: Mutation[]): Mutation[][] {
  const byValue = new Map<string, Mutation[]>();
  for (const m of single) {
    if (m.path.length !== 1 || !/^(entries|every entry|subnormal)/.test(m.bad)) continue;
    byValue.set(m.bad, [...(byValue.get(m.bad) ?? []), m]);
  }
  return [...byValue.values()].filter((group) => group.length > 1);
}

function apply(args: unknown[], mutations: Mutation[]): unknown[] {
  for (const { path, value } of mutations) {
    let target = args as unknown as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (typeof next !== 'object' || next === null) return args;
      // Copy the container on the way down so template objects shared by a factory stay intact.
      const copyOf = Array.isArray(next)
        ? [...next]
        : Object.assign(Object.create(Object.getPrototypeOf(next)), next);
      target[key] = copyOf;
      target = copyOf as Record<string | number, unknown>;
    }
    target[path[path.length - 1]!] = value;
  }
  return args;
}

/** Deep snapshot of every number, string, boolean and typed-array byte reachable from `x`. */
export function snapshot(x: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (typeof v === 'number') out.push(Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v);
    else if (typeof v !== 'object' || v === null) out.push(typeof v === 'function' ? 'fn' : v);
    else if (seen.has(v)) out.push('cycle');
    else if (ArrayBuffer.isView(v)) {
      seen.add(v);
      out.push(Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).join(','));
    } else {
      seen.add(v);
      for (const k of Object.keys(v).sort()) {
        out.push(k);
        walk((v as Record<string, unknown>)[k]);
      }
    }
  };
  walk(x);
  return out;
}

/** Path of the first NaN/±Infinity number reachable from a result, or null. */
export function firstNonFiniteIn(x: unknown): string | null {
  const seen = new Set<unknown>();
  const walk = (v: unknown, path: string): string | null => {
    if (typeof v === 'number') return Number.isFinite(v) ? null : `${path} = ${v}`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const hit = walk(v[i], `${path}[${i}]`);
        if (hit !== null) return hit;
      }
      return null;
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) return null;
    seen.add(v);
    if (isNdarray(v) && v.shape.length === 2) {
      for (let i = 0; i < v.shape[0]!; i++) {
        for (let j = 0; j < v.shape[1]!; j++) {
          const e = v.get(i, j);
          if (typeof e === 'number' && !Number.isFinite(e)) return `${path}(${i}, ${j}) = ${e}`;
        }
      }
      return null;
    }
    if (v instanceof Float64Array || v instanceof Float32Array) {
      const i = v.findIndex((e) => !Number.isFinite(e));
      return i < 0 ? null : `${path}[${i}] = ${v[i]}`;
    }
    if (ArrayBuffer.isView(v)) return null;
    for (const k of Object.keys(v)) {
      const hit = walk((v as Record<string, unknown>)[k], `${path}.${k}`);
      if (hit !== null) return hit;
    }
    return null;
  };
  return walk(x, 'result');
}

/**
 * Calls `fn(...args)` and returns the outcome, or throws an Error that says
 * what broke the contract (for `expect(...).not.toThrow()`-free reporting).
 */
export function checkCall(
  name: string,
  fn: (...a: unknown[]) => unknown,
  args: unknown[],
  label: string,
): Outcome {
  const before = snapshot(args);
  let result: unknown;
  try {
    result = fn(...args);
  } catch (e) {
    if (!(e instanceof BkfacError)) {
      throw new Error(`${name} with ${label}: a non-bkfac error ${String(e)}`, {
        cause: e,
      });
    }
    if (e.fn !== name) {
      throw new Error(`${name} with ${label}: the error names '${e.fn}' (${e.message})`, {
        cause: e,
      });
    }
    const after = snapshot(args);
    if (after.length !== before.length || after.some((v, i) => v !== before[i])) {
      throw new Error(`${name} with ${label}: a failed call changed an argument (${e.message})`, {
        cause: e,
      });
    }
    return 'threw';
  }
  if (result instanceof Promise) throw new Error(`${name}: returned a promise`);
  // NaN/Infinity out is a defect only when none went in (constructors copy what they are given).
  const bad = firstNonFiniteIn(result);
  if (bad !== null && firstNonFiniteIn(args) === null) {
    throw new Error(`${name} with ${label}: a silent non-finite result, ${bad}`);
  }
  return 'returned';
}

/**
 * Registers the jest tests of one module: every callable export must have a
 * template; each template's valid call returns a finite result; every single
 * mutation and random pairs of them keep the contract. `callerNamed` lists the
 * exports whose first two arguments are a caller's function and argument names
 * (validators, helpers for other libraries): those two are left alone.
 */
export function describeExportFuzz(
  packageName: string,
  mod: Record<string, unknown>,
  templates: Record<string, Template>,
  callerNamed: readonly string[] = [],
): void {
  describe(`${packageName}: every export under bad inputs`, () => {
    test('every callable export has a template (a new export cannot be forgotten)', () => {
      expect(callableExports(mod).filter((k) => !(k in templates))).toEqual([]);
      expect(Object.keys(templates).filter((k) => typeof mod[k] !== 'function')).toEqual([]);
    });

    for (const name of Object.keys(templates).sort()) {
      const fn = mod[name] as (...a: unknown[]) => unknown;
      const template = templates[name]!;
      test(`${name}`, () => {
        expect(checkCall(name, fn, template(), 'its valid template')).toBe('returned');
        const single = mutationsOf(template(), callerNamed.includes(name) ? [0, 1] : []);
        if (single.length === 0) return;
        const outcomes = { returned: 0, threw: 0 };
        for (const m of single) outcomes[checkCall(name, fn, apply(template(), [m]), m.label)]++;
        for (const group of jointMutationsOf(single)) {
          const label = group.map((m) => m.label).join(' and ');
          outcomes[checkCall(name, fn, apply(template(), group), label)]++;
        }
        // At least one bad input must be refused, or the template mutates nothing that matters.
        expect(outcomes.threw).toBeGreaterThan(0);
        fc.assert(
          fc.property(
            fc.nat({ max: single.length - 1 }),
            fc.nat({ max: single.length - 1 }),
            (i, j) => {
              const pair = [single[i]!, single[j]!];
              checkCall(
                name,
                fn,
                apply(template(), pair),
                `${pair[0]!.label} and ${pair[1]!.label}`,
              );
            },
          ),
          { numRuns: 40, seed: 1 },
        );
      }, 60_000);
    }
  });
}
