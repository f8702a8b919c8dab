/**
 * The f64x2 symmetric matrix-vector product of the tridiagonal reduction,
 * written with {@link FunctionBuilder}. It is memory-bound: each stored
 * element of the lower triangle is loaded once and serves two multiply-adds
 * (one for `y[i]`, one for `y[j]`), four columns per pass so that each loaded
 * pair of `y` serves eight.
 * @module
 */
import { ValType } from './binary.js';
import type { FunctionDefinition } from './binary.js';
import { FunctionBuilder } from './function-builder.js';
import type { Local } from './function-builder.js';

const { I32, F64, V128 } = ValType;

/**
 * `symvLower(m, a, lda, x, y)`: `y = A·x` for the symmetric `m x m` `A` whose
 * lower triangle is stored column-major at byte `a` (element `(i, j)`, `i ≥ j`,
 * at `a + 8(i + j·lda)`); `x`, `y` are byte addresses of `m` doubles that must
 * not overlap `y`. The strictly upper triangle is never read.
 * @internal
 */
export function symvLower(): FunctionDefinition {
  const f = new FunctionBuilder('symvLower', [I32, I32, I32, I32, I32]);
  const [m, a, lda, x, y] = f.params as Local<ValType.I32>[];
  const q = f.local(I32);
  const j = f.local(I32);
  const jb = f.local(I32); // 8·j
  const mb = f.local(I32); // 8·m
  const pairEnd = f.local(I32); // 8·m − 8: rows q with q + 16 ≤ 8·m form a pair
  const ldb = f.local(I32); // 8·lda
  const col = Array.from({ length: 4 }, () => f.local(I32));
  const xs = Array.from({ length: 4 }, () => f.local(F64));
  const xv = Array.from({ length: 4 }, () => f.local(V128));
  const t = Array.from({ length: 4 }, () => f.local(F64));
  const sv = Array.from({ length: 4 }, () => f.local(V128));
  const c = Array.from({ length: 4 }, () => f.local(V128));
  const xi = f.local(V128);
  const cs = f.local(F64);
  const xis = f.local(F64);

  f.get(m).i32(3).shl().set(mb);
  f.get(mb).i32(8).sub().set(pairEnd);
  f.get(lda).i32(3).shl().set(ldb);
  f.forRange(
    q,
    () => f.i32(0),
    () => f.get(mb),
    8,
    () => f.get(y).get(q).add().f64(0).f64Store(),
  );

  // Columns j .. j+3 while four remain.
  f.i32(0).set(j);
  f.loopUntil(
    () => f.get(j).i32(4).add().get(m).gtS(),
    () => {
      f.get(j).i32(3).shl().set(jb);
      for (let k = 0; k < 4; k++) {
        f.get(j).i32(k).add().get(ldb).mul().get(a).add().set(col[k]!);
        f.get(x)
          .get(jb)
          .add()
          .f64Load(8 * k)
          .set(xs[k]!);
        f.get(xs[k]!).f64x2Splat().set(xv[k]!);
        f.v128Zero().set(sv[k]!);
      }
      // The 4x4 diagonal block: t_k = Σ_r A(j+r, j+k)·x_{j+r}, reading the lower triangle only.
      for (let k = 0; k < 4; k++) {
        for (let r = 0; r < 4; r++) {
          const lowerCol = r >= k ? k : r;
          const row = r >= k ? r : k;
          f.get(col[lowerCol]!)
            .get(jb)
            .add()
            .f64Load(8 * row)
            .get(xs[r]!)
            .f64Mul();
          if (r > 0) f.get(t[k]!).f64Add();
          f.set(t[k]!);
        }
      }
      // Rows below the block, two at a time.
      f.forRange(
        q,
        () => f.get(jb).i32(32).add(),
        () => f.get(pairEnd),
        16,
        () => {
          for (let k = 0; k < 4; k++) {
            f.get(col[k]!).get(q).add().v128Load().set(c[k]!);
          }
          f.get(x).get(q).add().v128Load().set(xi);
          f.get(y).get(q).add();
          f.get(y).get(q).add().v128Load();
          for (let k = 0; k < 4; k++) f.get(c[k]!).get(xv[k]!).f64x2Mul().f64x2Add();
          f.v128Store();
          for (let k = 0; k < 4; k++)
            f.get(sv[k]!).get(c[k]!).get(xi).f64x2Mul().f64x2Add().set(sv[k]!);
        },
      );
      for (let k = 0; k < 4; k++) {
        f.get(t[k]!)
          .get(sv[k]!)
          .f64x2ExtractLane(0)
          .get(sv[k]!)
          .f64x2ExtractLane(1)
          .f64Add()
          .f64Add()
          .set(t[k]!);
      }
      // An odd last row.
      f.ifElse(
        () => f.get(q).get(mb).ltS(),
        () => {
          f.get(x).get(q).add().f64Load().set(xis);
          f.get(y).get(q).add();
          f.get(y).get(q).add().f64Load();
          for (let k = 0; k < 4; k++) {
            f.get(col[k]!).get(q).add().f64Load().set(cs);
            f.get(cs).get(xs[k]!).f64Mul().f64Add();
            f.get(t[k]!).get(cs).get(xis).f64Mul().f64Add().set(t[k]!);
          }
          f.f64Store();
        },
      );
      for (let k = 0; k < 4; k++) {
        f.get(y).get(jb).add();
        f.get(y)
          .get(jb)
          .add()
          .f64Load(8 * k)
          .get(t[k]!)
          .f64Add()
          .f64Store(8 * k);
      }
      f.increment(j, 4);
    },
  );

  // The last m mod 4 columns, one at a time.
  f.forRange(
    j,
    () => f.get(j),
    () => f.get(m),
    1,
    () => {
      f.get(j).i32(3).shl().set(jb);
      f.get(j).get(ldb).mul().get(a).add().set(col[0]!);
      f.get(x).get(jb).add().f64Load().set(xs[0]!);
      f.get(col[0]!).get(jb).add().f64Load().get(xs[0]!).f64Mul().set(t[0]!);
      f.forRange(
        q,
        () => f.get(jb).i32(8).add(),
        () => f.get(mb),
        8,
        () => {
          f.get(col[0]!).get(q).add().f64Load().set(cs);
          f.get(y).get(q).add();
          f.get(y).get(q).add().f64Load().get(cs).get(xs[0]!).f64Mul().f64Add();
          f.f64Store();
          f.get(t[0]!).get(cs).get(x).get(q).add().f64Load().f64Mul().f64Add().set(t[0]!);
        },
      );
      f.get(y).get(jb).add();
      f.get(y).get(jb).add().f64Load().get(t[0]!).f64Add();
      f.f64Store();
    },
  );
  return f.build();
}
