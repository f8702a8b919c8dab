import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

// A real headless browser: Debian's chromium, driven by playwright-core. `.ci/run`
// installs chromium and sets BKFAC_BROWSER_TESTS=required, so in CI a missing
// browser fails this file; elsewhere it is skipped when chromium is absent.
const CHROMIUM = '/usr/bin/chromium';
const required = process.env['BKFAC_BROWSER_TESTS'] === 'required';
const available = existsSync(CHROMIUM);
const suite = available || required ? describe : describe.skip;

/** The page script: the fixture bundled for the browser from the sources. */
function pageScript(): string {
  const out = buildSync({
    entryPoints: [join(__dirname, 'fixtures', 'browser-page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/**
 * Serves the page; `/csp` with the strictest CSP under which bkfac can run:
 * ndarray's `new Function` needs `'unsafe-eval'`, which also allows Wasm.
 */
function serve(script: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'text/html' };
    if (req.url === '/csp') headers['content-security-policy'] = "script-src 'self' 'unsafe-eval'";
    res.writeHead(200, headers);
    res.end('<!doctype html><title>bkfac</title><script src="/app.js"></script>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

suite('@bkfac/linalg in headless Chromium', () => {
  let browser: Browser;
  /** The same browser in jitless mode (as hardened browser modes run), where WebAssembly does not exist. */
  let withoutWasm: Browser;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = await serve(pageScript());
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const args = [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ];
    browser = await chromium.launch({ executablePath: CHROMIUM, args });
    withoutWasm = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...args, '--js-flags=--jitless'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await withoutWasm?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function reportOf(path: string, from = browser): Promise<Record<string, unknown>> {
    const page = await from.newPage();
    try {
      await page.goto(base + path);
      await page.waitForFunction(() => 'bkfacReport' in globalThis, undefined, { timeout: 30_000 });
      return (await page.evaluate(
        () => (globalThis as { bkfacReport?: unknown }).bkfacReport,
      )) as Record<string, unknown>;
    } finally {
      await page.close();
    }
  }

  test('runs the WebAssembly SIMD kernels, on one thread, within the rounding bound', async () => {
    const r = await reportOf('/');
    expect(r).toMatchObject({
      kernels: 'wasm',
      threads: 1,
      wasmUnavailable: null,
      maxThreads: 1,
      forcedWasm: 'ok',
    });
    expect(r['worst']).toBeLessThanOrEqual(1);
  }, 60_000);

  test("runs them under a CSP (`'unsafe-eval'`, which ndarray needs and which admits Wasm)", async () => {
    const r = await reportOf('/csp');
    expect(r).toMatchObject({ kernels: 'wasm', wasmUnavailable: null });
    expect(r['worst']).toBeLessThanOrEqual(1);
  }, 60_000);

  test('falls back to the scalar kernels where WebAssembly is switched off', async () => {
    const r = await reportOf('/', withoutWasm);
    expect(r).toMatchObject({ kernels: 'js', threads: 1, forcedWasm: 'ComputeEngineError' });
    expect(r['wasmUnavailable']).toMatch(/WebAssembly is not available/);
    expect(r['worst']).toBeLessThanOrEqual(1);
  }, 60_000);
});
