/**
 * Issue 20 in Chromium: an admin's audit page shows that the chain verifies, lists and filters the
 * entries; a supervisor viewing a chat attests it, sees "attested" and verifies it, then sees the
 * mismatch after a direct database edit. Screenshots in test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { api } from '../helpers/server';
import { hasChromium, shot, useBrowserSuite } from './browser';

const suite = useBrowserSuite({ wait: 15_000 });
let ctx: BrowserContext;
const pageErrors: string[] = [];
/** The pages wait on the server (a chain verification reads every entry): seconds, not the default one. */
const POLL = { timeout: 15_000 };

describe.skipIf(!hasChromium)('trust pages in Chromium', () => {
  beforeAll(async () => {
    ctx = await suite.context({ viewport: { width: 1366, height: 860 } });
  }, 60_000);
  afterAll(() => {
    if (pageErrors.length) console.error('[trust] page errors:', pageErrors);
  });

  it('a supervisor attests a chat and verifies it; an edit shows as a mismatch', async () => {
    const server = suite.server;
    const member = await server.user('member', '林居士');
    const sup = await server.user('supervisor', '主管妙音');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '法會' })).body.chat.id as string;
    const sent = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'b1', text: '請問超度法會怎麼報名？' });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/supervisor?token=${sup.token}`);
    await page.locator(`[data-testid="sup-row"][data-chat-id="${chatId}"] button.btn-link`).click();
    const badge = page.getByTestId('attestation');
    await expect.poll(() => badge.getAttribute('data-attested'), POLL).toBe('false');
    await page.getByTestId('attestation-attest').click();
    await expect.poll(() => badge.getAttribute('data-attested'), POLL).toBe('true');
    await expect.poll(() => badge.getAttribute('data-matches'), POLL).toBe('true');
    expect(await badge.textContent()).toContain('已存證');
    await shot(page, 'trust-chat-attested');

    await server.desk.database.db.updateTable('messages').set({ content: '請問法會怎麼報名？' }).where('id', '=', sent.body.messageId).execute();
    await page.getByTestId('attestation-verify').click();
    await expect.poll(() => badge.getAttribute('data-matches'), POLL).toBe('false');
    expect(await badge.textContent()).toContain('與存證不符');
    await shot(page, 'trust-chat-mismatch');
    await page.close();
  });

  it('an admin sees the chain verify, filters by action, in English too', async () => {
    const server = suite.server;
    const admin = await server.user('admin', '管理員');
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/audit?token=${admin.token}`);
    const chain = page.getByTestId('audit-chain');
    await expect.poll(() => chain.getAttribute('data-ok'), POLL).toBe('true');
    const table = page.getByTestId('audit-table');
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBeGreaterThanOrEqual(2);
    await page.getByLabel('操作', { exact: true }).selectOption('chat.attest');
    await page.getByTestId('audit-apply').click();
    await expect.poll(() => table.locator('tbody tr[data-action="chat.attest"]').count(), POLL).toBe(1);
    expect(await table.locator('tbody tr').count()).toBe(1);
    await shot(page, 'trust-audit-zh-TW');
    await page.goto(`${server.url}/audit?token=${admin.token}&lang=en`);
    await expect.poll(() => chain.textContent(), POLL).toContain('The chain verifies');
    await shot(page, 'trust-audit-en');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
