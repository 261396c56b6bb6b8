/**
 * The admins' integration page in Chromium against a real server: an API key is created with a
 * scope and shown once, works for that scope, is revoked from the page and then refused (401);
 * a webhook to a local receiver is added, an event is delivered and the delivery log shows it.
 * Screenshot in test-artifacts/integration.png.
 */
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../helpers/server';
import { until } from '../helpers/wait';
import { DESKTOP, hasChromium, shot, useBrowserSuite } from './browser';

const suite = useBrowserSuite({ env: { LOTUSDESK_WEBHOOK_ALLOW_PRIVATE: '1' }, wait: 15_000 });
let page: Page;
let receiver: Server;
let receiverUrl = '';
const received: string[] = [];
const pageErrors: string[] = [];

describe.skipIf(!hasChromium)('integration page in Chromium', () => {
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    const admin = await suite.server.user('admin', '管理員阿明');
    const ctx = await suite.context({ ...DESKTOP, viewport: { width: 1280, height: 1400 } });
    page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${suite.server.url}/integration?token=${admin.token}`);
  }, 180_000);

  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  it('creates a key shown once, which works within its scope until it is revoked from the page', async () => {
    const keys = page.getByTestId('api-keys');
    await keys.getByLabel('名稱').fill('商城後台');
    // users:read is checked by default; add users:write.
    await keys.getByLabel(/同步會員/).check();
    await keys.getByRole('button', { name: '建立金鑰' }).click();
    const key = (await page.getByTestId('new-key').locator('code').textContent())!;
    expect(key).toMatch(/^ldk_/);
    expect(await keys.getByRole('row', { name: /商城後台/ }).textContent()).toContain('從未使用');

    const member = await suite.server.user('member');
    const sub = (await suite.server.desk.users.byId(member.id))!.externalId;
    expect((await api(suite.server, 'PUT', `/api/users/by-external/${sub}`, key, { tier: 'gold' })).status).toBe(200);
    expect((await api(suite.server, 'GET', '/api/webhooks', key)).status).toBe(403);

    await keys.getByRole('button', { name: '撤銷金鑰「商城後台」' }).click();
    await expect.poll(() => keys.getByRole('row', { name: /商城後台/ }).textContent()).toContain('已撤銷');
    expect((await api(suite.server, 'GET', `/api/users/by-external/${sub}`, key)).status).toBe(401);
  });

  it('adds a webhook, delivers an event to it and shows the delivery in the log', async () => {
    const hooks = page.getByTestId('webhooks');
    await hooks.getByLabel('接收網址').fill(receiverUrl);
    await hooks.getByLabel('chat.created').check();
    await hooks.getByRole('button', { name: '新增 Webhook' }).click();
    expect(await page.getByTestId('new-secret').locator('code').textContent()).toMatch(/^whsec_/);

    const member = await suite.server.user('member');
    const chat = (await api(suite.server, 'POST', '/api/chats', member.token, {})).body.chat;
    await until(() => received.some((b) => b.includes(chat.id)));

    await hooks.getByRole('button', { name: '投遞紀錄' }).click();
    await expect.poll(() => hooks.getByRole('table').textContent()).toContain('已送達');
    await shot(page, 'integration');
    expect(pageErrors).toEqual([]);
  });
});
