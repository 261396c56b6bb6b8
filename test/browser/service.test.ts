/**
 * The service desk's second round in Chromium: system lines in the reader's language (English desk,
 * Simplified member window), label chips, staff-only notes beside the chat, search in either
 * script opening the chat, and the member's rating after close. Screenshots in test-artifacts/.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/server';
import { until } from '../helpers/wait';
import { hasChromium, shot, useBrowserSuite } from './browser';

const DESKTOP = { viewport: { width: 1366, height: 860 } };
const WAIT = 30_000;

const suite = useBrowserSuite({ wait: WAIT });

async function open(path: string, token: string): Promise<Page> {
  const c = await suite.context(DESKTOP);
  const p = await c.newPage();
  await p.goto(`${suite.server.url}${path}${path.includes('?') ? '&' : '?'}token=${token}`);
  return p;
}

describe.skipIf(!hasChromium)('service desk in Chromium', { timeout: 180_000 }, () => {
  it('desk in English: coded lines, labels, notes, search; member in Simplified: lines and the rating', async () => {
    const member = await suite.server.user('member', '陳居士');
    const agent = await suite.server.user('agent', '客服小蓮');
    const chat = (await api(suite.server, 'POST', '/api/chats', member.token, { topic: '查詢訂單' })).body.chat;
    const tag = randomUUID().slice(0, 6);
    await api(suite.server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: randomUUID(), text: `請幫我查詢訂單 ${tag} 的物流` });

    const m = await open('/?lang=zh-CN', member.token);
    const desk = await open('/desk?lang=en', agent.token);
    await desk.locator(`[data-testid=queue-item][data-chat-id="${chat.id}"]`).getByTestId('accept').click();
    // The system line in each reader's language; the stored text stays zh-TW.
    await desk.locator('[data-testid=system-line][data-code="chat.assigned"]', { hasText: '客服小蓮 has joined and will help you.' }).waitFor();
    await m.locator('[data-testid=system-line][data-code="chat.assigned"]', { hasText: '客服小蓮 已接听，为您服务。' }).waitFor();

    // Labels as chips.
    await desk.getByTestId('label-input').fill('急件');
    await desk.getByTestId('label-add').click();
    await desk.locator('[data-testid=label-chip]', { hasText: '急件' }).waitFor();
    expect((await api(suite.server, 'GET', `/api/chats/${chat.id}`, agent.token)).body.chat.labels).toEqual(['急件']);

    // A staff-only note beside the chat.
    const notes = desk.getByTestId('notes');
    expect(await notes.textContent()).toContain('Staff only');
    await desk.getByTestId('note-input').fill('會員第二次詢問，請優先處理');
    await desk.getByTestId('note-add').click();
    await notes.locator('[data-testid=note]', { hasText: '會員第二次詢問' }).waitFor();

    // Search in Simplified finds the Traditional message; the hit opens its chat.
    await desk.getByTestId('search-input').fill(`查询订单 ${tag}`);
    await until(async () => {
      await desk.getByTestId('search-submit').click();
      return (await desk.getByTestId('search-result').count()) > 0;
    }, WAIT, 500);
    const hit = desk.getByTestId('search-result').first();
    expect(await hit.textContent()).toContain('查詢訂單');
    await hit.locator('button').click();
    await desk.locator('[data-testid=tab][aria-selected=true]', { hasText: '陳居士' }).waitFor();
    await shot(desk, 'service-desk-en');

    // The member never sees the note or the label.
    const memberText = await m.locator('body').innerText();
    expect(memberText).not.toContain('會員第二次詢問');
    expect(memberText).not.toContain('急件');

    // Closed: the member is asked to rate, once.
    await api(suite.server, 'POST', `/api/chats/${chat.id}/close`, agent.token);
    await m.locator('[data-testid=system-line][data-code="chat.closed"]', { hasText: '对话已由 客服小蓮 结束。' }).waitFor();
    await m.getByTestId('rating-prompt').waitFor();
    await shot(m, 'service-member-rating-zh-CN');
    await m.locator('label.star').nth(3).click();
    await m.getByTestId('rating-comment').fill('很有耐心，感恩');
    await m.getByTestId('rating-submit').click();
    await m.getByTestId('rating-thanks').waitFor();
    expect(await m.getByTestId('rating-thanks').textContent()).toContain('4');
    expect((await api(suite.server, 'GET', `/api/chats/${chat.id}/rating`, agent.token)).body.rating).toMatchObject({ score: 4, comment: '很有耐心，感恩' });
    await shot(m, 'service-member-rated-zh-CN');
    // After a reload the thanks stays (the rating is read back).
    await m.reload();
    await m.getByTestId('rating-thanks').waitFor();
  });
});
