/**
 * The WebAssembly binary format, as much of it as the kernels need: LEB128
 * numbers, sections and a module with one imported memory, functions and
 * their exports. The kernels are written against {@link FunctionBuilder}
 * and assembled here at load time, so the TypeScript source is the only
 * source of the module (no committed binary, no toolchain).
 * @module
 */

/** Value types of the kernels' signatures and locals. */
export enum ValType {
  I32 = 0x7f,
  F64 = 0x7c,
  V128 = 0x7b,
}

/** Unsigned LEB128 bytes of a non-negative integer. */
export function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 bytes of an int32. */
export function signedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Little-endian IEEE 754 bytes of a double. */
export function f64Bytes(value: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([value]).buffer));
}

/** A length-prefixed vector of already encoded items. */
function vector(items: readonly number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

/** A length-prefixed name; the kernels' export names are ASCII. */
function asciiName(text: string): number[] {
  const bytes = Array.from(text, (ch) => ch.charCodeAt(0));
  return [...unsignedLeb(bytes.length), ...bytes];
}

function section(id: number, payload: number[]): number[] {
  return [id, ...unsignedLeb(payload.length), ...payload];
}

/** One function of a module: signature, extra locals and body (without the final `end`). */
export interface FunctionDefinition {
  /** Export name. */
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Types of the locals after the parameters, in index order. */
  locals: readonly ValType[];
  body: readonly number[];
}

/** The imported `env.memory`: initial and maximum size in 64 KiB pages. */
export interface MemoryImport {
  initialPages: number;
  maximumPages: number;
  /** A shared memory (threads); it needs a maximum and SharedArrayBuffer support. */
  shared: boolean;
}

/**
 * Encodes a module that imports `env.memory` and exports every function by name.
 * @internal
 */
export function encodeModule(
  memory: MemoryImport,
  functions: readonly FunctionDefinition[],
): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vector(f.params.map((t) => [t])),
    ...vector(f.results.map((t) => [t])),
  ]);
  const limits = [
    memory.shared ? 0x03 : 0x01,
    ...unsignedLeb(memory.initialPages),
    ...unsignedLeb(memory.maximumPages),
  ];
  const memoryImport = [...asciiName('env'), ...asciiName('memory'), 0x02, ...limits];
  const exports = functions.map((f, index) => [...asciiName(f.name), 0x00, ...unsignedLeb(index)]);
  const bodies = functions.map((f) => {
    const groups: number[][] = [];
    for (let i = 0; i < f.locals.length;) {
      let j = i;
      while (j < f.locals.length && f.locals[j] === f.locals[i]) j++;
      groups.push([...unsignedLeb(j - i), f.locals[i]!]);
      i = j;
    }
    const code = [...vector(groups), ...f.body, 0x0b];
    return [...unsignedLeb(code.length), ...code];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, index) => unsignedLeb(index)))),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
