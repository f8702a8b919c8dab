/**
 * The part of Node's `worker_threads` the pool uses, looked up at run time so
 * that the package loads unchanged in browsers (where it is absent).
 * @module
 */

/** A worker thread, as far as the pool uses it. */
export interface WorkerThread {
  unref(): void;
  terminate(): Promise<number>;
}

/** Node's `Worker` constructor with an inline script. */
export type WorkerConstructor = new (
  script: string,
  options: { eval: true; workerData: unknown },
) => WorkerThread;

/**
 * Node's `Worker` class, or `undefined` outside Node (or on a Node without
 * `process.getBuiltinModule`).
 * @internal
 */
export function nodeWorkerConstructor(): WorkerConstructor | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = proc?.getBuiltinModule?.('node:worker_threads') as
    { Worker?: WorkerConstructor; isMainThread?: boolean } | undefined;
  return module?.Worker;
}
