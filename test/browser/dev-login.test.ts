/**
 * The embedded default (no JWT secret) in Chromium: the sign-in page lists the demo users and a
 * click signs in; the shop demo page signs in the demo member by itself and passes the token by
 * postMessage; a deep link works (SPA fallback) and assets carry long-lived cache headers.
 */
import { describe, expect, it } from 'vitest';
import { DESKTOP, hasChromium, shot, useBrowserSuite } from './browser';

const suite = useBrowserSuite({ env: { LOTUSDESK_JWT_SECRET: '' } });

describe.skipIf(!hasChromium)('web app on the embedded default (dev login)', { timeout: 120_000 }, () => {
  it('serves the app with the right caching and falls back to index.html for app paths', async () => {
    const index = await fetch(`${suite.server.url}/desk/anything`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
    expect(asset).toBeTruthy();
    const js = await fetch(suite.server.url + asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missingAsset = await fetch(`${suite.server.url}/assets/nope-123.js`);
    expect(missingAsset.status).toBe(404);
    const api = await fetch(`${suite.server.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('not_found');
  });

  it('lists the demo users; a click signs in and opens the page for the role', async () => {
    const ctx = await suite.browser.newContext(DESKTOP);
    ctx.setDefaultTimeout(30_000);
    const p = await ctx.newPage();
    await p.goto(suite.server.url);
    await p.getByTestId('demo-demo-agent-1').waitFor();
    expect(await p.getByTestId('demo-demo-master').textContent()).toContain('法師');
    await shot(p, 'login');
    // Keyboard only: tab to the agent and press Enter.
    await p.getByTestId('demo-demo-agent-1').focus();
    await p.keyboard.press('Enter');
    await p.getByTestId('presence').waitFor();
    expect(new URL(p.url()).pathname).toBe('/desk');
    await p.getByRole('button', { name: '登出' }).click();
    await p.getByTestId('demo-demo-member').waitFor();
    await ctx.close();
  });

  it('the shop demo page signs in the demo member and hands the token over by postMessage', async () => {
    const ctx = await suite.browser.newContext(DESKTOP);
    ctx.setDefaultTimeout(30_000);
    const p = await ctx.newPage();
    await p.goto(`${suite.server.url}/embed-demo.html`);
    const frame = p.frameLocator('#lotusdesk');
    await frame.getByTestId('start-form').waitFor();
    expect(await frame.locator('.embed-user').textContent()).toBe('林居士');
    await ctx.close();
  });
});
