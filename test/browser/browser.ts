/** Chromium for browser tests (Debian's /usr/bin/chromium driven by playwright-core). */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type TestServer } from '../helpers/server';
import { ensureWebBuild } from './build';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

/** True when the browser binary is installed (.ci/run installs it). */
export const hasChromium = existsSync(CHROMIUM);

// Shared viewports, so the files' screenshots of the same kind of page have the same size.
/** A member on a phone. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } satisfies BrowserContextOptions;
/** Staff at a desktop. */
export const DESKTOP = { viewport: { width: 1280, height: 800 } } satisfies BrowserContextOptions;

/** Launches headless Chromium. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** Saves a screenshot under test-artifacts/ and returns its path. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export interface BrowserSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** A new browser context with the suite's default timeout, closed after the suite. */
  context(opts?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * The setup every browser test file shares: a real server and Chromium, started once before the
 * file's tests and closed after them (open contexts first). Call it at the top of the test file,
 * beside a `describe.skipIf(!hasChromium)`: vitest skips a file's hooks when all its tests are
 * skipped, and hooks the file registers later run after these start and before these close.
 */
export function useBrowserSuite(opts: { env?: Record<string, string>; wait?: number } = {}): BrowserSuite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer(opts.env ? { env: opts.env } : {});
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  return {
    get server() {
      if (!server) throw new Error('browser suite: the server is not started (use it inside a test or hook)');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('browser suite: Chromium is not launched (use it inside a test or hook)');
      return browser;
    },
    async context(contextOpts) {
      const c = await this.browser.newContext(contextOpts);
      if (opts.wait) c.setDefaultTimeout(opts.wait);
      contexts.push(c);
      return c;
    },
  };
}
