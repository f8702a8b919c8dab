/**
 * The f64x2 matrix-vector products of the blocked reductions, written with
 * {@link FunctionBuilder}: `y = Aᵀ·x` and `y += A·(alpha·x)` for a column-major `A`.
 * Both are memory-bound; four columns per pass let each loaded pair of `x`
 * (or of `y`) serve eight multiply-adds.
 * @module
 */
import { ValType } from './binary.js';
import type { FunctionDefinition } from './binary.js';
import { FunctionBuilder } from './function-builder.js';
import type { Local } from './function-builder.js';

const { I32, F64, V128 } = ValType;

/** Locals and loop bounds shared by the two products. */
function setUp(name: string, withAlpha: boolean) {
  const types = withAlpha ? [I32, I32, F64, I32, I32, I32, I32] : [I32, I32, I32, I32, I32, I32];
  const f = new FunctionBuilder(name, types);
  const params = f.params as Local<ValType.I32>[];
  const [rows, cols] = params;
  const [a, lda, x, y] = params.slice(withAlpha ? 3 : 2);
  const alpha = withAlpha ? (params[2] as Local) : null;
  const q = f.local(I32);
  const c = f.local(I32);
  const rb = f.local(I32); // 8·rows
  const pairEnd = f.local(I32); // 8·rows − 8: rows q with q + 16 ≤ 8·rows form a pair
  const ldb = f.local(I32); // 8·lda
  const col = Array.from({ length: 4 }, () => f.local(I32));
  f.get(rows!).i32(3).shl().set(rb);
  f.get(rb).i32(8).sub().set(pairEnd);
  f.get(lda!).i32(3).shl().set(ldb);
  /** Column addresses of columns `c .. c+count−1`. */
  const columns = (count: number) => {
    for (let k = 0; k < count; k++) {
      f.get(c).i32(k).add().get(ldb).mul().get(a!).add().set(col[k]!);
    }
  };
  /** Emits `pass(4)` over the columns four at a time, then `pass(1)` over the rest. */
  const inPasses = (pass: (count: number) => void) => {
    f.i32(0).set(c);
    f.loopUntil(
      () => f.get(c).i32(4).add().get(cols!).gtS(),
      () => {
        pass(4);
        f.increment(c, 4);
      },
    );
    f.forRange(
      c,
      () => f.get(c),
      () => f.get(cols!),
      1,
      () => pass(1),
    );
  };
  return { f, x: x!, y: y!, alpha, q, c, rb, pairEnd, col, columns, inPasses };
}

/**
 * `gemvT(rows, cols, a, lda, x, y)`: `y[c] = Σ_r A(r, c)·x[r]` for the
 * column-major `rows x cols` `A` at byte `a` (leading dimension `lda`
 * elements); `x`, `y` byte addresses; `y` must not overlap `A` or `x`.
 * @internal
 */
export function gemvTransposed(): FunctionDefinition {
  const { f, x, y, q, c, rb, pairEnd, col, columns, inPasses } = setUp('gemvT', false);
  const sv = Array.from({ length: 4 }, () => f.local(V128));
  const xi = f.local(V128);
  const t = f.local(F64);
  const xs = f.local(F64);
  /** Sums `count` columns into `sv`, then stores them (the odd last row added in scalar). */
  const pass = (count: number) => {
    columns(count);
    for (let k = 0; k < count; k++) f.v128Zero().set(sv[k]!);
    f.forRange(
      q,
      () => f.i32(0),
      () => f.get(pairEnd),
      16,
      () => {
        f.get(x).get(q).add().v128Load().set(xi);
        for (let k = 0; k < count; k++) {
          f.get(sv[k]!)
            .get(col[k]!)
            .get(q)
            .add()
            .v128Load()
            .get(xi)
            .f64x2Mul()
            .f64x2Add()
            .set(sv[k]!);
        }
      },
    );
    f.f64(0).set(xs);
    f.ifElse(
      () => f.get(q).get(rb).ltS(),
      () => f.get(x).get(q).add().f64Load().set(xs),
    );
    for (let k = 0; k < count; k++) {
      f.get(sv[k]!).f64x2ExtractLane(0).get(sv[k]!).f64x2ExtractLane(1).f64Add().set(t);
      f.ifElse(
        () => f.get(q).get(rb).ltS(),
        () => f.get(t).get(col[k]!).get(q).add().f64Load().get(xs).f64Mul().f64Add().set(t),
      );
      f.get(c)
        .i32(3)
        .shl()
        .get(y)
        .add()
        .get(t)
        .f64Store(8 * k);
    }
  };
  inPasses(pass);
  return f.build();
}

/**
 * `gemvN(rows, cols, alpha, a, lda, x, y)`: `y[r] += Σ_c A(r, c)·(alpha·x[c])` for the
 * column-major `rows x cols` `A` at byte `a` (leading dimension `lda`
 * elements); `x`, `y` byte addresses; `y` must not overlap `A` or `x`.
 * @internal
 */
export function gemvAccumulate(): FunctionDefinition {
  const { f, x, y, alpha, q, c, pairEnd, rb, col, columns, inPasses } = setUp('gemvN', true);
  const xs = Array.from({ length: 4 }, () => f.local(F64));
  const xv = Array.from({ length: 4 }, () => f.local(V128));
  /** Adds `count` columns times their `x` into `y`. */
  const pass = (count: number) => {
    columns(count);
    for (let k = 0; k < count; k++) {
      f.get(c)
        .i32(3)
        .shl()
        .get(x)
        .add()
        .f64Load(8 * k)
        .get(alpha!)
        .f64Mul()
        .set(xs[k]!);
      f.get(xs[k]!).f64x2Splat().set(xv[k]!);
    }
    f.forRange(
      q,
      () => f.i32(0),
      () => f.get(pairEnd),
      16,
      () => {
        f.get(y).get(q).add();
        f.get(y).get(q).add().v128Load();
        for (let k = 0; k < count; k++)
          f.get(col[k]!).get(q).add().v128Load().get(xv[k]!).f64x2Mul().f64x2Add();
        f.v128Store();
      },
    );
    f.ifElse(
      () => f.get(q).get(rb).ltS(),
      () => {
        f.get(y).get(q).add();
        f.get(y).get(q).add().f64Load();
        for (let k = 0; k < count; k++)
          f.get(col[k]!).get(q).add().f64Load().get(xs[k]!).f64Mul().f64Add();
        f.f64Store();
      },
    );
  };
  inPasses(pass);
  return f.build();
}
