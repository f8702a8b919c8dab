/**
 * A typed builder of WebAssembly function bodies: one method per
 * instruction the kernels use, locals as handles, and structured loops.
 * Instructions are appended in stack order, as in the text format.
 * @module
 */
import { f64Bytes, signedLeb, unsignedLeb, ValType } from './binary.js';
import type { FunctionDefinition } from './binary.js';

/** A local variable (or parameter) of a function, with its type. */
export interface Local<T extends ValType = ValType> {
  readonly index: number;
  readonly type: T;
}

const SIMD = 0xfd;

/** @internal */
export class FunctionBuilder {
  private readonly code: number[] = [];
  private readonly extra: ValType[] = [];
  /** The parameters, in order. */
  readonly params: readonly Local[];

  constructor(
    private readonly name: string,
    private readonly paramTypes: readonly ValType[],
    private readonly resultTypes: readonly ValType[] = [],
  ) {
    this.params = paramTypes.map((type, index) => ({ index, type }));
  }

  /** A new local of type `type`. */
  local<T extends ValType>(type: T): Local<T> {
    this.extra.push(type);
    return { index: this.paramTypes.length + this.extra.length - 1, type };
  }

  /** The finished function. */
  build(): FunctionDefinition {
    return {
      name: this.name,
      params: this.paramTypes,
      results: this.resultTypes,
      locals: this.extra,
      body: this.code,
    };
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  private simd(opcode: number, ...immediates: number[]): this {
    return this.op(SIMD, ...unsignedLeb(opcode), ...immediates);
  }

  get(l: Local): this {
    return this.op(0x20, ...unsignedLeb(l.index));
  }
  set(l: Local): this {
    return this.op(0x21, ...unsignedLeb(l.index));
  }
  i32(value: number): this {
    return this.op(0x41, ...signedLeb(value));
  }
  f64(value: number): this {
    return this.op(0x44, ...f64Bytes(value));
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  /** i32 shift left (`<< 3` turns an element count into bytes). */
  shl(): this {
    return this.op(0x74);
  }
  /** i32 arithmetic shift right. */
  shr(): this {
    return this.op(0x75);
  }
  /** Calls function `index` of the module. */
  call(index: number): this {
    return this.op(0x10, ...unsignedLeb(index));
  }
  ltS(): this {
    return this.op(0x48);
  }
  gtS(): this {
    return this.op(0x4a);
  }
  geS(): this {
    return this.op(0x4e);
  }
  /** Signed minimum of the two i32 on the stack (via `select`). */
  minS(a: Local, b: Local): this {
    return this.get(a).get(b).get(a).get(b).ltS().op(0x1b);
  }
  f64Load(offset = 0): this {
    return this.op(0x2b, 3, ...unsignedLeb(offset));
  }
  f64Store(offset = 0): this {
    return this.op(0x39, 3, ...unsignedLeb(offset));
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  v128Load(offset = 0): this {
    return this.simd(0x00, 4, ...unsignedLeb(offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, 4, ...unsignedLeb(offset));
  }
  /** Loads one double and copies it into both lanes. */
  load64Splat(offset = 0): this {
    return this.simd(0x0a, 3, ...unsignedLeb(offset));
  }
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2ExtractLane(lane: 0 | 1): this {
    return this.simd(0x21, lane);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  /** A zero vector. */
  v128Zero(): this {
    return this.simd(0x0c, ...new Array<number>(16).fill(0));
  }

  /** `target = target + step` for an i32 local and an i32 constant or local. */
  increment(target: Local, step: number | Local): this {
    this.get(target);
    if (typeof step === 'number') this.i32(step);
    else this.get(step);
    return this.add().set(target);
  }

  /**
   * `for (i = start; i < end; i += step) body()`, with `start` and `end` pushed by
   * the callbacks and `step` a constant or a local.
   */
  forRange(
    i: Local,
    start: () => void,
    end: () => void,
    step: number | Local,
    body: () => void,
  ): this {
    start();
    this.set(i);
    this.op(0x02, 0x40); // block
    this.op(0x03, 0x40); // loop
    this.get(i);
    end();
    this.geS().op(0x0d, 1); // br_if to the block's end: leave the loop
    body();
    this.increment(i, step);
    this.op(0x0c, 0); // br to the loop's start
    this.op(0x0b, 0x0b);
    return this;
  }

  /**
   * `while (!leave()) body()`, the exit test pushed by `leave`; the body
   * advances its own counters.
   */
  loopUntil(leave: () => void, body: () => void): this {
    this.op(0x02, 0x40); // block
    this.op(0x03, 0x40); // loop
    leave();
    this.op(0x0d, 1); // br_if to the block's end
    body();
    this.op(0x0c, 0); // br to the loop's start
    return this.op(0x0b, 0x0b);
  }

  /** `if (condition) then() else otherwise()`, the condition pushed by `condition`. */
  ifElse(condition: () => void, then: () => void, otherwise?: () => void): this {
    condition();
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }

  /** i32 equality of the two values on the stack. */
  eq(): this {
    return this.op(0x46);
  }
  /** i32 `and` of the two values on the stack. */
  and(): this {
    return this.op(0x71);
  }
}
