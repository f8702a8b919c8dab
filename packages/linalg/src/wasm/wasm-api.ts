/**
 * The part of the WebAssembly JavaScript API the engine uses, typed here so
 * that the library compiles (and its declarations read) without the DOM
 * library, and so that a runtime without WebAssembly is detected, not assumed.
 * @module
 */

/** A compiled module: opaque, passed to instances and to worker threads. */
export interface WasmModule {
  readonly __wasmModule: unique symbol;
}

/** A linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (
    module: WasmModule,
    imports: { env: { memory: WasmMemory } },
  ) => { exports: Record<string, unknown> };
}

/** The runtime's WebAssembly API, or `undefined` where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}
