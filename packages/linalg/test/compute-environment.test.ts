import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const probe = join(__dirname, 'fixtures', 'compute-probe.ts');

/** Runs the probe with `env` added to a copy of this environment, without BKFAC_* from outside. */
function runProbe(env: Record<string, string>): {
  status: number | null;
  report: Record<string, unknown>;
} {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('BKFAC_')),
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', probe], {
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return {
    status: r.status,
    report: JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>,
  };
}

describe('BKFAC_KERNELS and BKFAC_THREADS', () => {
  test('by default the Wasm path runs on one thread', () => {
    const { status, report } = runProbe({});
    expect(status).toBe(0);
    expect(report).toMatchObject({ kernels: 'wasm', threads: 1, trace: 640 });
  });

  test('BKFAC_KERNELS=js selects the scalar path', () => {
    const { report } = runProbe({ BKFAC_KERNELS: 'js' });
    expect(report).toMatchObject({ kernels: 'js', threads: 1, trace: 640 });
  });

  test('BKFAC_THREADS=2 starts a worker, and the process exits without a shutdown call', () => {
    const { status, report } = runProbe({ BKFAC_KERNELS: 'wasm', BKFAC_THREADS: '2' });
    expect(status).toBe(0);
    expect(report).toMatchObject({ kernels: 'wasm', threads: 2, trace: 640 });
  });

  test.each([
    [{ BKFAC_KERNELS: 'fast' }, /BKFAC_KERNELS.*'js', 'wasm' or 'auto'.*"fast"/],
    [{ BKFAC_THREADS: 'two' }, /BKFAC_THREADS.*integer from 1 to 64.*"two"/],
    [{ BKFAC_THREADS: '0' }, /BKFAC_THREADS.*"0"/],
  ])('%p is a typed error at first use, naming the variable', (env, message) => {
    const { status, report } = runProbe(env);
    expect(status).toBe(0);
    expect(report['error']).toBe('InvalidArgumentError');
    expect(report['message']).toMatch(message);
  });
});
