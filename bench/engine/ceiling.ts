/**
 * What one core can issue from this runtime, measured in the same process as
 * the kernels so each kernel's figure can be read as a share of it: eight
 * independent multiply-add chains, as scalar JavaScript and as Wasm f64x2.
 */
import { encodeModule, ValType } from '../../packages/linalg/dist/wasm/binary.js';
import { FunctionBuilder, type Local } from '../../packages/linalg/dist/wasm/function-builder.js';
import { wasmApi } from '../../packages/linalg/dist/wasm/wasm-api.js';
import { measure } from '../harness.js';

/** Enough independent chains to hide the multiply and add latencies, few enough to stay in registers. */
const CHAINS = 12;
const ITERATIONS = 20_000_000;

function scalarChains(n: number, x: number, y: number): number {
  let a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7, a7 = 8, a8 = 9, a9 = 10, a10 = 11, a11 = 12; // prettier-ignore
  for (let i = 0; i < n; i++) {
    a0 = a0 * x + y;
    a1 = a1 * x + y;
    a2 = a2 * x + y;
    a3 = a3 * x + y; // prettier-ignore
    a4 = a4 * x + y;
    a5 = a5 * x + y;
    a6 = a6 * x + y;
    a7 = a7 * x + y; // prettier-ignore
    a8 = a8 * x + y;
    a9 = a9 * x + y;
    a10 = a10 * x + y;
    a11 = a11 * x + y; // prettier-ignore
  }
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
}

/** `chains(n)`: the same eight chains on f64x2 vectors (2 lanes each). */
function wasmChains(): (n: number) => number {
  const { I32, V128, F64 } = ValType;
  const f = new FunctionBuilder('chains', [I32], [F64]);
  const [n] = f.params as Local<ValType.I32>[];
  const i = f.local(I32);
  const x = f.local(V128);
  const y = f.local(V128);
  const acc = Array.from({ length: CHAINS }, () => f.local(V128));
  f.f64(0.999999).f64x2Splat().set(x);
  f.f64(1e-7).f64x2Splat().set(y);
  acc.forEach((a, k) =>
    f
      .f64(k + 1)
      .f64x2Splat()
      .set(a),
  );
  f.forRange(
    i,
    () => f.i32(0),
    () => f.get(n!),
    1,
    () => {
      for (const a of acc) f.get(a).get(x).f64x2Mul().get(y).f64x2Add().set(a);
    },
  );
  f.get(acc[0]!);
  for (const a of acc.slice(1)) f.get(a).f64x2Add();
  f.f64x2ExtractLane(0);
  const bytes = encodeModule({ initialPages: 1, maximumPages: 1, shared: false }, [f.build()]);
  const api = wasmApi()!;
  const memory = new api.Memory({ initial: 1, maximum: 1, shared: false });
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  return instance.exports['chains'] as (n: number) => number;
}

/** Peak GFLOP/s of one core: scalar and f64x2 multiply-add (2 flops per lane). */
export function ceilings(): { scalar: number; simd: number } {
  const chains = wasmChains();
  const flops = 2 * CHAINS * ITERATIONS;
  const scalar = measure(() => scalarChains(ITERATIONS, 0.999999, 1e-7), { minTimeMs: 500 }).median;
  const simd = measure(() => chains(ITERATIONS), { minTimeMs: 500 }).median;
  return { scalar: flops / (scalar * 1e6), simd: (2 * flops) / (simd * 1e6) };
}
