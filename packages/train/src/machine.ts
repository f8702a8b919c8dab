/**
 * The machine a `bkfac train` experiment was measured on, for its report.
 * @module
 */
import os from 'node:os';

/** The machine a run was measured on. @internal */
export interface Machine {
  /** CPU model. */
  readonly cpu: string;
  /** Logical cores. */
  readonly cores: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** Node version. */
  readonly node: string;
  /** OS and architecture. */
  readonly platform: string;
}

/** Description of this machine. @internal */
export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}
