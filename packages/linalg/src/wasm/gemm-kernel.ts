/**
 * The f64x2 GEMM kernels, written with {@link FunctionBuilder}: packing of
 * operands into 4-line panels, a 4x4 register-blocked micro-kernel (eight
 * f64x2 accumulators) and the Goto/BLIS loops around them.
 *
 * Every output element is summed in the same order as the scalar kernel
 * (`t = Σ_p a_ip·b_pj` over depth blocks of {@link KC}, then `c += alpha·t`),
 * with separate multiplies and adds, so on the same blocking the two paths
 * agree bit for bit; the tests still hold them only to the rounding bound.
 * @module
 */
import { ValType } from './binary.js';
import type { FunctionDefinition } from './binary.js';
import { FunctionBuilder } from './function-builder.js';
import type { Local } from './function-builder.js';

/** Rows of a register block (lines of a packed A panel). */
export const MR = 4;
/** Columns of a register block (lines of a packed B panel). */
export const NR = 4;
/** Depth of a packed block; the same as the scalar kernel's, so sums group alike. */
export const KC = 256;
/** Rows of a packed A block (MC x KC doubles = 256 KiB, L2-resident). */
export const MC = 128;
/** Columns of a packed B block (KC x NC doubles = 1 MiB). */
export const NC = 512;
/** Bytes a thread needs for its packed A block, packed B block and one 4x4 tile. */
export const PACK_BYTES = (MC * KC + KC * NC + MR * NR) * 8;

const { I32, F64, V128 } = ValType;

/**
 * `pack(src, sLine, sDepth, count, kc, dst)`: `count` lines of depth `kc` (element
 * strides `sLine` between lines, `sDepth` along a line) into panels of 4 lines,
 * depth-major within a panel, the last panel zero-padded. Addresses in bytes.
 */
function pack(): FunctionDefinition {
  const f = new FunctionBuilder('pack', [I32, I32, I32, I32, I32, I32]);
  const [src, sLine, sDepth, count, kc, dst] = f.params as Local<ValType.I32>[];
  const l0 = f.local(I32);
  const p = f.local(I32);
  const r = f.local(I32);
  const s = f.local(I32);
  const lines = f.local(I32);
  const left = f.local(I32);
  const four = f.local(I32);
  // Strides in bytes from here on.
  f.get(sLine).i32(3).shl().set(sLine);
  f.get(sDepth).i32(3).shl().set(sDepth);
  f.i32(4).set(four);
  f.forRange(
    l0,
    () => f.i32(0),
    () => f.get(count),
    4,
    () => {
      f.get(count).get(l0).sub().set(left);
      f.minS(four, left).set(lines);
      f.get(l0).get(sLine).mul().get(src).add().set(s);
      f.ifElse(
        () => f.get(lines).i32(4).eq(),
        () => {
          f.forRange(
            p,
            () => f.i32(0),
            () => f.get(kc),
            1,
            () => {
              for (let line = 0; line < 4; line++) {
                f.get(dst).get(s);
                for (let t = 0; t < line; t++) f.get(sLine).add();
                f.f64Load().f64Store(line * 8);
              }
              f.increment(s, sDepth).increment(dst, 32);
            },
          );
        },
        () => {
          f.forRange(
            p,
            () => f.i32(0),
            () => f.get(kc),
            1,
            () => {
              for (let line = 0; line < 4; line++)
                f.get(dst)
                  .f64(0)
                  .f64Store(line * 8);
              f.forRange(
                r,
                () => f.i32(0),
                () => f.get(lines),
                1,
                () => {
                  f.get(r).i32(3).shl().get(dst).add();
                  f.get(r).get(sLine).mul().get(s).add().f64Load();
                  f.f64Store();
                },
              );
              f.increment(s, sDepth).increment(dst, 32);
            },
          );
        },
      );
    },
  );
  return f.build();
}

/**
 * `macro(mc, nc, kc, alpha, pa, pb, c, ldc, tile)`: `C += alpha·A·B` for a packed
 * `mc x kc` A block at `pa` and `kc x nc` B block at `pb`, into the row-major
 * (leading dimension `ldc`) C block at `c`. Full tiles update C with vector
 * loads and stores; edge tiles go through the 4x4 scratch `tile`.
 */
function macro(): FunctionDefinition {
  const f = new FunctionBuilder('macro', [I32, I32, I32, F64, I32, I32, I32, I32, I32]);
  const [mc, nc, kc, alpha, pa, pb, c, ldc, tile] = f.params as Local[];
  const j0 = f.local(I32);
  const i0 = f.local(I32);
  const qa = f.local(I32);
  const qb = f.local(I32);
  const end = f.local(I32);
  const rows = f.local(I32);
  const cols = f.local(I32);
  const left = f.local(I32);
  const four = f.local(I32);
  const row = f.local(I32);
  const col = f.local(I32);
  const cRow = f.local(I32);
  const panelBytes = f.local(I32);
  const ldcBytes = f.local(I32);
  const alphaV = f.local(V128);
  const b01 = f.local(V128);
  const b23 = f.local(V128);
  const ar = f.local(V128);
  const acc: Local[] = Array.from({ length: 8 }, () => f.local(V128));
  f.i32(4).set(four);
  f.get(kc).i32(5).shl().set(panelBytes); // 4 lines x kc doubles
  f.get(ldc!).i32(3).shl().set(ldcBytes);
  f.get(alpha!).f64x2Splat().set(alphaV);
  f.forRange(
    j0,
    () => f.i32(0),
    () => f.get(nc!),
    4,
    () => {
      f.get(nc!).get(j0).sub().set(left);
      f.minS(four, left).set(cols);
      f.forRange(
        i0,
        () => f.i32(0),
        () => f.get(mc!),
        4,
        () => {
          f.get(mc!).get(i0).sub().set(left);
          f.minS(four, left).set(rows);
          // Micro-kernel: acc[2r + h] holds row r, columns 2h and 2h + 1 of the tile.
          for (const a of acc) f.v128Zero().set(a);
          f.get(i0).i32(2).shr().get(panelBytes).mul().get(pa!).add().set(qa);
          f.get(j0).i32(2).shr().get(panelBytes).mul().get(pb!).add().set(qb);
          f.get(qa).get(panelBytes).add().set(end);
          f.forRange(
            qa,
            () => f.get(qa),
            () => f.get(end),
            32,
            () => {
              f.get(qb).v128Load(0).set(b01);
              f.get(qb).v128Load(16).set(b23);
              for (let r = 0; r < 4; r++) {
                f.get(qa)
                  .load64Splat(r * 8)
                  .set(ar);
                f.get(acc[2 * r]!)
                  .get(ar)
                  .get(b01)
                  .f64x2Mul()
                  .f64x2Add()
                  .set(acc[2 * r]!);
                f.get(acc[2 * r + 1]!)
                  .get(ar)
                  .get(b23)
                  .f64x2Mul()
                  .f64x2Add()
                  .set(acc[2 * r + 1]!);
              }
              f.increment(qb, 32);
            },
          );
          // C block address of this tile.
          f.get(i0).get(ldc!).mul().get(j0).add().i32(3).shl().get(c!).add().set(cRow);
          f.ifElse(
            () => f.get(rows).get(cols).and().i32(4).eq(),
            () => {
              for (let r = 0; r < 4; r++) {
                for (let h = 0; h < 2; h++) {
                  f.get(cRow)
                    .get(cRow)
                    .v128Load(h * 16);
                  f.get(alphaV)
                    .get(acc[2 * r + h]!)
                    .f64x2Mul()
                    .f64x2Add()
                    .v128Store(h * 16);
                }
                f.increment(cRow, ldcBytes);
              }
            },
            () => {
              for (let r = 0; r < 4; r++) {
                for (let h = 0; h < 2; h++)
                  f.get(tile!)
                    .get(acc[2 * r + h]!)
                    .v128Store((r * 4 + 2 * h) * 8);
              }
              f.forRange(
                row,
                () => f.i32(0),
                () => f.get(rows),
                1,
                () => {
                  f.forRange(
                    col,
                    () => f.i32(0),
                    () => f.get(cols),
                    1,
                    () => {
                      f.get(col).i32(3).shl().get(cRow).add();
                      f.get(col).i32(3).shl().get(cRow).add().f64Load();
                      f.get(alpha!);
                      f.get(row)
                        .i32(5)
                        .shl()
                        .get(col)
                        .i32(3)
                        .shl()
                        .add()
                        .get(tile!)
                        .add()
                        .f64Load();
                      f.f64Mul().f64Add().f64Store();
                    },
                  );
                  f.increment(cRow, ldcBytes);
                },
              );
            },
          );
        },
      );
    },
  );
  return f.build();
}

/**
 * `gemm(m, k, alpha, a, ai, ap, b, bp, bj, c, ldc, j0, j1, work)`: columns
 * `j0 ≤ j < j1` of `C += alpha·op(A)·op(B)`, where op(A)'s entry (i, p) is at byte
 * `a + 8(i·ai + p·ap)`, op(B)'s (p, j) at `b + 8(p·bp + j·bj)` and C is row-major
 * with leading dimension `ldc`; `work` holds {@link PACK_BYTES} of the caller's.
 * Two threads given disjoint column ranges write disjoint parts of C.
 */
function gemm(): FunctionDefinition {
  const f = new FunctionBuilder('gemm', [
    I32,
    I32,
    F64,
    I32,
    I32,
    I32,
    I32,
    I32,
    I32,
    I32,
    I32,
    I32,
    I32,
    I32,
  ]);
  const [m, k, alpha, a, ai, ap, b, bp, bj, c, ldc, j0, j1, work] = f.params as Local[];
  const jc = f.local(I32);
  const pc = f.local(I32);
  const ic = f.local(I32);
  const nc = f.local(I32);
  const kc = f.local(I32);
  const mc = f.local(I32);
  const left = f.local(I32);
  const blockM = f.local(I32);
  const blockN = f.local(I32);
  const blockK = f.local(I32);
  const packA = work!;
  const packB = f.local(I32);
  const tile = f.local(I32);
  f.i32(MC).set(blockM).i32(NC).set(blockN).i32(KC).set(blockK);
  f.get(packA)
    .i32(MC * KC * 8)
    .add()
    .set(packB);
  f.get(packB)
    .i32(KC * NC * 8)
    .add()
    .set(tile);
  f.forRange(
    jc,
    () => f.get(j0!),
    () => f.get(j1!),
    NC,
    () => {
      f.get(j1!).get(jc).sub().set(left);
      f.minS(blockN, left).set(nc);
      f.forRange(
        pc,
        () => f.i32(0),
        () => f.get(k!),
        KC,
        () => {
          f.get(k!).get(pc).sub().set(left);
          f.minS(blockK, left).set(kc);
          f.get(pc).get(bp!).mul().get(jc).get(bj!).mul().add().i32(3).shl().get(b!).add();
          f.get(bj!).get(bp!).get(nc).get(kc).get(packB).call(0);
          f.forRange(
            ic,
            () => f.i32(0),
            () => f.get(m!),
            MC,
            () => {
              f.get(m!).get(ic).sub().set(left);
              f.minS(blockM, left).set(mc);
              f.get(ic).get(ai!).mul().get(pc).get(ap!).mul().add().i32(3).shl().get(a!).add();
              f.get(ai!).get(ap!).get(mc).get(kc).get(packA).call(0);
              f.get(mc).get(nc).get(kc).get(alpha!).get(packA).get(packB);
              f.get(ic).get(ldc!).mul().get(jc).add().i32(3).shl().get(c!).add();
              f.get(ldc!).get(tile).call(1);
            },
          );
        },
      );
    },
  );
  return f.build();
}

/**
 * The GEMM module's functions, in index order (`pack` is 0 and `macro` 1, as
 * `gemm` calls them).
 * @internal
 */
export function gemmFunctions(): FunctionDefinition[] {
  return [pack(), macro(), gemm()];
}
