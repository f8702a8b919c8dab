#!/usr/bin/env node
/**
 * Entry point of `bkfac train` (`npm run train`).
 * @module
 */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  onInterrupt(handler) {
    const listeners = (['SIGINT', 'SIGTERM'] as const).map((s) => [s, () => handler(s)] as const);
    for (const [s, l] of listeners) process.on(s, l);
    return () => {
      for (const [s, l] of listeners) process.off(s, l);
    };
  },
});
