/**
 * The finiteness probe of staged operands, written with {@link FunctionBuilder}:
 * `Σ x·0` is ±0 when every `x` is finite and NaN as soon as one is NaN or
 * ±Infinity, so one pass with no branch per element answers "all finite?".
 * @module
 */
import { ValType } from './binary.js';
import type { FunctionDefinition } from './binary.js';
import { FunctionBuilder } from './function-builder.js';
import type { Local } from './function-builder.js';

const { I32, F64, V128 } = ValType;

/**
 * `finiteProbe(x, count)`: `Σ x_i·0` over the `count` doubles at byte `x`;
 * zero exactly when all of them are finite.
 * @internal
 */
export function finiteProbe(): FunctionDefinition {
  const f = new FunctionBuilder('finiteProbe', [I32, I32], [F64]);
  const [x, count] = f.params as Local<ValType.I32>[];
  const q = f.local(I32);
  const end = f.local(I32);
  const pairEnd = f.local(I32);
  const acc = f.local(V128);
  const zero = f.local(V128);
  const sum = f.local(F64);
  f.get(count!).i32(3).shl().get(x!).add().set(end);
  f.get(end).i32(8).sub().set(pairEnd);
  f.v128Zero().set(acc);
  f.v128Zero().set(zero);
  f.forRange(
    q,
    () => f.get(x!),
    () => f.get(pairEnd),
    16,
    () => f.get(acc).get(q).v128Load().get(zero).f64x2Mul().f64x2Add().set(acc),
  );
  f.get(acc).f64x2ExtractLane(0).get(acc).f64x2ExtractLane(1).f64Add().set(sum);
  f.ifElse(
    () => f.get(q).get(end).ltS(),
    () => f.get(sum).get(q).f64Load().f64(0).f64Mul().f64Add().set(sum),
  );
  f.get(sum);
  return f.build();
}
