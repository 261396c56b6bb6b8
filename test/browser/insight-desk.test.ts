/**
 * Insight on the staff pages in Chromium: the member's mood on the desk (tab and side panel, from
 * history and live sentiment frames), distress alerts (desk, supervisor page, dashboard) with a
 * button that opens the chat, distress marks in the queue, the member's earlier chats opened
 * read-only from the side panel, and "read" marks that survive a reload.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/server';
import { hasChromium, shot, useBrowserSuite } from './browser';

// Not the shared DESKTOP: this file's pages and screenshots keep their own size.
const DESKTOP = { viewport: { width: 1366, height: 860 } };
const WAIT = 30_000;

const suite = useBrowserSuite({ wait: WAIT });

async function page(path: string, token: string): Promise<Page> {
  const c = await suite.context(DESKTOP);
  const p = await c.newPage();
  await p.goto(`${suite.server.url}${path}${path.includes('?') ? '&' : '?'}token=${token}`);
  return p;
}

const say = async (token: string, chatId: string, text: string) => {
  const r = await api(suite.server, 'POST', `/api/chats/${chatId}/messages`, token, { id: randomUUID(), text });
  expect(r.status).toBe(201);
};

describe.skipIf(!hasChromium)('insight on the staff pages in Chromium', { timeout: 150_000 }, () => {
  it('mood on the tab and side panel, earlier chats read-only, distress alerts for assignee and supervisors', async () => {
    const member = await suite.server.user('member', '林居士');
    // An earlier chat, served and closed by someone else.
    const before = await suite.server.user('agent', '客服阿明');
    const old = (await api(suite.server, 'POST', '/api/chats', member.token, { topic: '念珠退貨' })).body.chat;
    await api(suite.server, 'POST', `/api/chats/${old.id}/accept`, before.token);
    await say(member.token, old.id, '念珠的線斷了，可以退貨嗎？');
    await api(suite.server, 'POST', `/api/chats/${old.id}/close`, before.token);

    const chat = (await api(suite.server, 'POST', '/api/chats', member.token, { topic: '心情' })).body.chat;
    await say(member.token, chat.id, '心裡好煩惱，每天都失眠，真的好痛苦');

    const agent = await suite.server.user('agent', '客服小蓮');
    const a = await page('/desk', agent.token);
    const item = a.locator(`[data-testid=queue-item][data-chat-id="${chat.id}"]`);
    await item.getByTestId('accept').click();
    const tab = a.locator('[data-testid=tab][aria-selected=true]', { hasText: '林居士' });
    await tab.waitFor();

    // The sad message was scored while the chat waited: the mood comes from history.
    const tabMood = tab.getByTestId('tab-mood');
    await tabMood.waitFor();
    expect(await tabMood.getAttribute('data-level')).toBe('bad');
    expect(await tabMood.textContent()).toContain('非常低落'); // words, not colour alone
    expect(await tab.getAttribute('aria-label')).toBeNull();
    expect(await tab.textContent()).toContain('非常低落');
    const panel = a.getByTestId('member-panel');
    expect(await panel.getByTestId('mood-latest').textContent()).toContain('非常低落');

    // A grateful message: live sentiment frame; the latest turns positive, the lowest stays.
    await say(member.token, chat.id, '謝謝，感恩師父，阿彌陀佛');
    await a.locator('[data-testid=tab][aria-selected=true] [data-testid=tab-mood][data-level=good]').waitFor();
    expect(await panel.getByTestId('mood-latest').textContent()).toContain('愉快');
    expect(await panel.getByTestId('mood-lowest').textContent()).toContain('非常低落');

    // The earlier chat: listed with who served it, opened read-only in a dialog.
    const prev = panel.locator(`[data-testid=previous-chat][data-chat-id="${old.id}"]`);
    await prev.waitFor();
    expect(await prev.textContent()).toContain('念珠退貨');
    expect(await prev.textContent()).toContain('客服阿明');
    await prev.getByTestId('previous-view').click();
    const dialog = a.getByTestId('past-chat');
    await dialog.locator('[data-testid=message]', { hasText: '念珠的線斷了' }).waitFor();
    expect(await dialog.textContent()).toContain('唯讀');
    expect(await dialog.locator('textarea, [data-testid=composer-input]').count()).toBe(0);
    await shot(a, 'insight-desk-past-chat');
    await dialog.getByRole('button', { name: '關閉' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Supervisors: one on the supervisor page (in English), one on the dashboard (Simplified).
    const supervisor = await suite.server.user('supervisor', '督導慧明');
    const s = await page('/supervisor?lang=en', supervisor.token);
    await s.getByTestId('sup-table').waitFor();
    const supervisor2 = await suite.server.user('supervisor', '督導慧心');
    const d = await page('/dashboard?lang=zh-CN', supervisor2.token);
    await d.getByTestId('dashboard').waitFor();
    await shot(a, 'insight-desk-mood');

    // Distress: the assignee and both supervisors get a prominent alert.
    await say(member.token, chat.id, '我真的撐不下去了，不想活了');
    const alert = a.locator(`[role=alert][data-testid=distress-alert][data-chat-id="${chat.id}"]`);
    await alert.waitFor();
    expect(await alert.textContent()).toContain('緊急關懷：林居士');
    expect(await alert.getByTestId('distress-excerpt').textContent()).toContain('不想活');
    await a.locator('[data-testid=tab][aria-selected=true] .tag-distress').waitFor();
    await shot(a, 'insight-desk-alert');

    const sAlert = s.locator(`[role=alert][data-testid=distress-alert][data-chat-id="${chat.id}"]`);
    await sAlert.waitFor();
    expect(await sAlert.textContent()).toContain('Needs care now: 林居士');
    expect(await sAlert.getByTestId('distress-open').textContent()).toBe('View the chat (read-only)');
    await sAlert.getByTestId('distress-open').click();
    const view = s.locator(`[data-testid=chat-window][data-chat-id="${chat.id}"]`);
    await view.locator('[data-testid=message]', { hasText: '不想活了' }).waitFor();
    expect(await view.locator('[data-testid=composer-input]').count()).toBe(0);
    await s.locator(`[data-testid=sup-row][data-chat-id="${chat.id}"] .tag-distress`).waitFor();
    await shot(s, 'insight-supervisor-alert');

    const dAlert = d.locator(`[role=alert][data-testid=distress-alert][data-chat-id="${chat.id}"]`);
    await dAlert.waitFor();
    expect(await dAlert.textContent()).toContain('紧急关怀：林居士');
    await shot(d, 'insight-dashboard-alert');
    await dAlert.getByTestId('distress-open').click();
    await d.waitForURL((u) => u.pathname === '/supervisor');
    await d.locator(`[data-testid=chat-window][data-chat-id="${chat.id}"]`).waitFor();

    // Dismissed: gone from the desk, still there for the supervisor until they dismiss it too.
    await alert.getByRole('button', { name: '關閉 林居士 的警示' }).click();
    await alert.waitFor({ state: 'detached' });
    expect(await sAlert.count()).toBe(1);

    // A second member in distress while waiting: the queue marks the chat.
    const other = await suite.server.user('member', '張居士');
    const waiting = (await api(suite.server, 'POST', '/api/chats', other.token, { topic: '求助' })).body.chat;
    await say(other.token, waiting.id, '活不下去了，好想自殺');
    const queued = a.locator(`[data-testid=queue-item][data-chat-id="${waiting.id}"]`);
    await queued.locator('.tag-distress').waitFor();
    expect(await queued.locator('.tag-distress').textContent()).toBe('需要關懷');
    await shot(a, 'insight-desk-queue-distress');
  });

  it('a master on shift is alerted about a chat a colleague holds, and is told why it does not open', async () => {
    const member = await suite.server.user('member', '吳居士');
    const agent = await suite.server.user('agent', '客服小雲');
    const chat = (await api(suite.server, 'POST', '/api/chats', member.token, { topic: '家裡的事' })).body.chat;
    expect((await api(suite.server, 'POST', `/api/chats/${chat.id}/accept`, agent.token)).status).toBe(200);
    const master = await suite.server.user('master', '慧光法師');
    await suite.server.desk.database.db
      .insertInto('customer_service_schedule')
      .values({ user_id: master.id, shift_start: new Date(Date.now() - 3600_000), shift_end: new Date(Date.now() + 3600_000) })
      .execute();
    const p = await page('/desk', master.token);
    await p.getByTestId('tabs').waitFor();
    await say(member.token, chat.id, '我想自殺');
    const alert = p.locator(`[role=alert][data-testid=distress-alert][data-chat-id="${chat.id}"]`);
    await alert.waitFor();
    expect(await alert.textContent()).toContain('吳居士');
    await alert.getByTestId('distress-open').click();
    await p.locator('p.alert[role=alert]', { hasText: '其他同仁服務' }).waitFor();
    expect(await p.locator(`[data-testid=tab]`, { hasText: '吳居士' }).count()).toBe(0);
  });

  it('read marks come back as read after the member reloads', async () => {
    const member = await suite.server.user('member', '周居士');
    const agent = await suite.server.user('agent', '客服小慧');
    const m = await page('/member', member.token);
    await m.getByTestId('start-form').waitFor();
    await m.getByTestId('start-chat').click();
    await m.locator('[data-testid=chat-status][data-status=pending]').waitFor();
    const chatId = (await m.getByTestId('chat-window').getAttribute('data-chat-id'))!;
    expect((await api(suite.server, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
    const a = await page('/desk', agent.token);
    await a.locator('[data-testid=tab][aria-selected=true]', { hasText: '周居士' }).waitFor();

    await m.getByTestId('composer-input').fill('請問佛珠有現貨嗎？');
    await m.getByTestId('composer-input').press('Enter');
    const bubble = () => m.locator('[data-testid=message]', { hasText: '請問佛珠有現貨嗎？' });
    await bubble().locator('[data-state=read]').waitFor(); // the agent has it on screen
    await m.reload();
    await bubble().waitFor();
    expect(await bubble().getByTestId('delivery-state').getAttribute('data-state')).toBe('read');
    await shot(m, 'insight-member-read-after-reload');
  });
});
