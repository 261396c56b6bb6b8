/**
 * The Content-Security-Policy in Chromium: the agent desk, the dashboard (chart.js, the socket),
 * the shop demo page with its framed widget and /api/docs (swagger-ui) load with no violation.
 * The widget framed by a shop origin listed in LOTUSDESK_EMBED_ORIGINS talks with it by
 * postMessage addressed to that origin; an unlisted shop cannot frame it and hears nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, hasChromium, launch } from '../browser/browser';
import { ensureWebBuild } from '../browser/build';
import { api, startServer, type TestServer } from '../helpers/server';

/** A shop's page on its own origin, framing the desk's /embed and answering `ready` with a token. */
function shopServer(deskUrl: () => string, token: () => string): Server {
  return createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><body><iframe id="desk" title="desk" src="${deskUrl()}/embed" style="width:400px;height:600px"></iframe>
<script>
  window.heard = [];
  const frame = document.getElementById('desk');
  const desk = new URL(frame.src).origin;
  addEventListener('message', (e) => {
    window.heard.push({ origin: e.origin, type: e.data && e.data.type });
    if (e.origin === desk && e.data && e.data.type === 'lotusdesk:ready') frame.contentWindow.postMessage({ type: 'lotusdesk:token', token: ${JSON.stringify(token())} }, desk);
  });
</script></body></html>`);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Records CSP violations of every frame of a page (the event, and Chromium's console report). */
async function watchViolations(ctx: BrowserContext, page: Page): Promise<string[]> {
  const seen: string[] = [];
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} on ${location.pathname} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`));
  });
  page.on('console', (m) => {
    if (/Content Security Policy|CSP violation|Refused to/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

describe.skipIf(!hasChromium)('Content-Security-Policy in the browser', { timeout: 120_000 }, () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launch>>;
  const memberToken = { value: '' };
  const listed = shopServer(() => server.url, () => memberToken.value);
  const unlisted = shopServer(() => server.url, () => memberToken.value);
  let listedUrl = '';
  let unlistedUrl = '';

  beforeAll(async () => {
    ensureWebBuild();
    listedUrl = await listen(listed);
    unlistedUrl = await listen(unlisted);
    server = await startServer({ env: { LOTUSDESK_EMBED_ORIGINS: listedUrl } });
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    listed.close();
    unlisted.close();
  });

  it('desk, dashboard, the demo page with its widget, and /api/docs load without a violation', async () => {
    const member = await server.user('member', '林居士');
    const agent = await server.user('agent', '客服小蓮');
    const supervisor = await server.user('supervisor', '督導');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '念珠' })).body.chat.id as string;
    const ctx = await browser.newContext(DESKTOP);
    const page = await ctx.newPage();
    const violations = await watchViolations(ctx, page);

    await page.goto(`${server.url}/desk?token=${agent.token}`);
    await page.locator(`[data-testid=queue-item][data-chat-id="${chatId}"]`).waitFor();

    await page.goto(`${server.url}/dashboard?token=${supervisor.token}`);
    await page.locator('[data-queue=general]').waitFor();
    await page.locator('[data-testid=hourly-chart]').waitFor();

    await page.goto(`${server.url}/embed-demo.html?token=${encodeURIComponent(member.token)}`);
    const frame = page.frameLocator('#lotusdesk');
    await frame.locator('.embed-user').filter({ hasText: '林居士' }).waitFor({ state: 'attached' });

    await page.goto(`${server.url}/api/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    await page.locator('.opblock').first().waitFor();

    expect(violations).toEqual([]);
    await ctx.close();
  });

  it('a listed shop frames the widget and they talk by origin; an unlisted shop can neither frame it nor hear it', async () => {
    const member = await server.user('member', '商城會員');
    memberToken.value = member.token;
    const ctx = await browser.newContext(DESKTOP);
    const page = await ctx.newPage();
    const violations = await watchViolations(ctx, page);

    await page.goto(listedUrl);
    await page.frameLocator('#desk').locator('.embed-user').filter({ hasText: '商城會員' }).waitFor({ state: 'attached' });
    const heard = (await page.evaluate(() => (window as unknown as { heard: Array<{ origin: string; type: string }> }).heard));
    expect(heard).toContainEqual({ origin: server.url, type: 'lotusdesk:ready' });
    expect(heard.every((m) => m.origin === server.url)).toBe(true);
    expect(violations).toEqual([]);

    const other = await ctx.newPage();
    const refused: string[] = [];
    other.on('console', (m) => refused.push(m.text()));
    await other.goto(unlistedUrl);
    // Chromium reports the refused frame in the framing page's console.
    await expect.poll(() => refused.some((t) => /frame-ancestors/.test(t)), { timeout: 15_000 }).toBe(true);
    expect(await other.frameLocator('#desk').locator('.embed-user').count()).toBe(0);
    expect(await other.evaluate(() => (window as unknown as { heard: unknown[] }).heard)).toEqual([]);
    await ctx.close();
  });
});
