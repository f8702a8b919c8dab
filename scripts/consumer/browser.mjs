// Runs a bundled script in Debian's headless chromium (playwright-core) and
// returns what it stored in `globalThis.consumerReport`. Used by the consumer
// test; chromium is installed by `.ci/run` when missing.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** True when the browser step can run here; CI (`BKFAC_BROWSER_TESTS=required`) never skips it. */
export function browserAvailable() {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.BKFAC_BROWSER_TESTS === 'required') {
    throw new Error(`consumer test: ${CHROMIUM} is required but missing`);
  }
  return false;
}

/** Loads `script` into a blank page and waits for its report (30 s at most). */
export async function reportFromChromium(script) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setContent('<!doctype html><title>bkfac consumer</title>');
    await page.addScriptTag({ content: script });
    await page
      .waitForFunction(() => 'consumerReport' in globalThis || false, undefined, {
        timeout: 30_000,
      })
      .catch(() => {
        throw new Error(`no report from the page; page errors: ${errors.join('; ') || 'none'}`);
      });
    return await page.evaluate(() => globalThis.consumerReport);
  } finally {
    await browser.close();
  }
}
