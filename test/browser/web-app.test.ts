/**
 * The web app in a real browser against a real server: a member (phone-sized) and an agent in two
 * browser contexts — open, queue with wait time, accept (接聽), messages both ways with read
 * receipts and typing, an image with its thumbnail and lightbox, a dropped socket that shows the
 * banner and loses nothing, close; refusals localized with the text kept; the language switch;
 * the supervisor's read-only view; the embed demo page handing over a token by postMessage.
 */
import sharp from 'sharp';
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/server';
import { DESKTOP, PHONE, hasChromium, shot, useBrowserSuite } from './browser';

const WAIT = 30_000;

const suite = useBrowserSuite({ wait: WAIT });

/** The first element matching `selector` whose text includes `text`. */
function withText(page: Page, selector: string, text: string) {
  return page.locator(selector, { hasText: text }).first();
}

// Generous limits: the machine running CI may be busy, and a browser test is a long story.
describe.skipIf(!hasChromium)('web app in Chromium', { timeout: 120_000 }, () => {
  it('member and agent chat end to end: queue, accept, both ways, image, dropped socket, close', async () => {
    const member = await suite.server.user('member', '林居士');
    const agent = await suite.server.user('agent', '客服小蓮');

    // The member's socket goes through a route the test can cut, like a train entering a tunnel.
    const memberCtx = await suite.context(PHONE);
    const m = await memberCtx.newPage();
    let offline = false;
    const live: WebSocketRoute[] = [];
    await m.routeWebSocket(/\/ws$/, (ws) => {
      if (offline) return void ws.close({ code: 4000, reason: 'test: offline' });
      ws.connectToServer();
      live.push(ws);
    });
    await m.goto(`${suite.server.url}/member?token=${member.token}`);
    await m.getByTestId('start-form').waitFor();
    expect(new URL(m.url()).searchParams.get('token')).toBeNull(); // taken out of the address bar
    await m.getByRole('button', { name: '訂單查詢' }).click();
    expect(await m.getByTestId('topic-input').inputValue()).toBe('訂單查詢');
    await m.getByTestId('start-chat').click();
    await m.locator('[data-testid=chat-status][data-status=pending]').waitFor();
    await m.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'composer-input'); // focus follows the action
    await m.getByTestId('queue-position').waitFor();
    expect(await m.getByTestId('queue-position').textContent()).toContain('1');
    const chatId = (await m.getByTestId('chat-window').getAttribute('data-chat-id'))!;
    await shot(m, 'member-phone-pending');

    // It has been waiting three minutes when the agent looks.
    await suite.server.desk.database.db.updateTable('chats').set({ created_at: new Date(Date.now() - 3 * 60_000 - 5000) }).where('id', '=', chatId).execute();

    const agentCtx = await suite.context(DESKTOP);
    const a = await agentCtx.newPage();
    await a.goto(`${suite.server.url}/desk?token=${agent.token}`);
    const item = a.locator(`[data-testid=queue-item][data-chat-id="${chatId}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('林居士');
    expect(await item.textContent()).toContain('訂單查詢');
    expect(await item.getByTestId('queue-wait').getAttribute('data-minutes')).toBe('3');
    expect(await item.getByTestId('queue-wait').textContent()).toContain('已等候 3 分鐘');
    const urgency = Number(await item.locator('meter').getAttribute('value'));
    expect(urgency).toBeGreaterThanOrEqual(0);
    expect(urgency).toBeLessThanOrEqual(1);
    await shot(a, 'agent-queue');
    await item.getByTestId('accept').click();
    await a.locator('[data-testid=tab][aria-selected=true]', { hasText: '林居士' }).waitFor();
    await withText(a, '[data-testid=member-panel]', '林居士').waitFor();
    await a.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'composer-input');

    // The member sees who is serving, then they talk both ways.
    await withText(m, '[data-testid=chat-status][data-status=open]', '客服小蓮').waitFor();
    await m.getByTestId('composer-input').fill('請問念珠何時出貨？');
    await m.getByTestId('composer-input').press('Enter');
    expect(await m.getByTestId('composer-input').inputValue()).toBe('');
    await withText(a, '[data-testid=message]', '請問念珠何時出貨？').waitFor();
    // The agent has it on screen: the member's bubble turns "read".
    await withText(m, '[data-testid=message]', '請問念珠何時出貨？').locator('[data-state=read]').waitFor();

    await a.getByTestId('composer-input').pressSequentially('您好', { delay: 20 });
    await withText(m, '[data-testid=typing]', '對方正在輸入').waitFor();
    await a.getByTestId('composer-input').fill('您好，念珠明天出貨，阿彌陀佛。');
    await a.getByTestId('send').click();
    const reply = withText(m, '[data-testid=message]', '念珠明天出貨');
    await reply.waitFor();
    expect(await reply.locator('.sender').textContent()).toBe('客服小蓮');
    expect(await reply.locator('.role-tag').textContent()).toBe('客服');

    // An image: uploaded, sent, shown as a thumbnail to the agent, full size in the lightbox.
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c9962e' } }).png().toBuffer();
    await m.getByTestId('file-input').setInputFiles({ name: 'lotus.png', mimeType: 'image/png', buffer: png });
    await withText(m, '.staged .chip', 'lotus.png').waitFor();
    await m.getByTestId('composer-input').fill('這是收到的念珠照片');
    await m.getByTestId('send').click();
    const thumb = withText(a, '[data-testid=message]', '這是收到的念珠照片').getByTestId('attachment-thumb');
    await thumb.waitFor();
    await a.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await thumb.elementHandle(), { timeout: WAIT });
    const thumbSrc = (await thumb.getAttribute('src'))!;
    expect(thumbSrc).toContain('/thumbnail');
    const natural = await thumb.evaluate((el) => (el as HTMLImageElement).naturalWidth);
    expect(natural).toBeLessThan(640); // a real thumbnail, not the original
    await m.getByTestId('attachment-thumb').first().waitFor();
    await shot(m, 'member-phone-chat');
    await thumb.click();
    await a.getByTestId('lightbox').waitFor();
    await shot(a, 'agent-lightbox');
    await a.keyboard.press('Escape');
    await a.getByTestId('lightbox').waitFor({ state: 'detached' });
    await shot(a, 'agent-chat');

    // The member's socket drops: the banner shows; what is typed and sent meanwhile is kept.
    offline = true;
    for (const ws of live.splice(0)) await ws.close({ code: 4000, reason: 'test: tunnel' });
    await m.locator('[data-testid=connection-banner][data-state=reconnecting]').waitFor();
    await m.getByTestId('composer-input').fill('隧道裡寫的訊息');
    await m.getByTestId('composer-input').press('Enter');
    await withText(m, '[data-testid=message]', '隧道裡寫的訊息').locator('[data-state=sending]').waitFor();
    await m.getByTestId('composer-input').fill('還在打的草稿');
    await shot(m, 'member-phone-reconnecting');
    offline = false;
    await m.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 40_000 });
    await withText(a, '[data-testid=message]', '隧道裡寫的訊息').waitFor();
    expect(await m.getByTestId('composer-input').inputValue()).toBe('還在打的草稿');
    const history = (await api(suite.server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages as Array<{ text: string }>;
    expect(history.filter((x) => x.text === '隧道裡寫的訊息')).toHaveLength(1);
    expect(await a.locator('[data-testid=message]', { hasText: '隧道裡寫的訊息' }).count()).toBe(1);
    // Even a reload keeps the draft (and shows the chat again, nothing sent twice).
    await m.reload();
    await withText(m, '[data-testid=message]', '隧道裡寫的訊息').waitFor();
    expect(await m.getByTestId('composer-input').inputValue()).toBe('還在打的草稿');
    expect(await m.locator('[data-testid=message]', { hasText: '隧道裡寫的訊息' }).count()).toBe(1);

    // The agent closes; the member sees the closed state and can start again.
    await a.getByTestId('close-chat').click();
    await m.locator('[data-testid=chat-status][data-status=closed]').waitFor();
    await m.getByTestId('closed-notice').waitFor();
    expect(await m.getByTestId('composer-input').count()).toBe(0);
    await a.locator('[data-testid=chat-status][data-status=closed]').waitFor();
    await shot(m, 'member-phone-closed');
    await shot(a, 'agent-closed');
  });

  it('a refused message comes back in the member language with its text', async () => {
    const member = await suite.server.user('member', '王師姐');
    const agent = await suite.server.user('agent');
    const ctx = await suite.context(PHONE);
    const m = await ctx.newPage();
    let offline = false;
    const live: WebSocketRoute[] = [];
    await m.routeWebSocket(/\/ws$/, (ws) => {
      if (offline) return void ws.close({ code: 4000 });
      ws.connectToServer();
      live.push(ws);
    });
    await m.goto(`${suite.server.url}/member?token=${member.token}&lang=en`);
    await m.getByTestId('topic-input').fill('refund');
    await m.getByTestId('start-chat').click();
    const chatId = (await m.getByTestId('chat-window').getAttribute('data-chat-id'))!;
    await api(suite.server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    await m.locator('[data-testid=chat-status][data-status=open]').waitFor();
    // Offline, the member writes; meanwhile the chat is closed; back online the server refuses it.
    offline = true;
    for (const ws of live.splice(0)) await ws.close({ code: 4000 });
    await m.locator('[data-testid=connection-banner][data-state=reconnecting]').waitFor();
    await m.getByTestId('composer-input').fill('Is my refund on its way?');
    await m.getByTestId('composer-input').press('Enter');
    await api(suite.server, 'POST', `/api/chats/${chatId}/close`, agent.token);
    offline = false;
    const unsent = m.getByTestId('unsent');
    await unsent.waitFor({ timeout: 40_000 });
    expect(await unsent.textContent()).toContain('This chat is closed; the message was not sent.');
    expect(await unsent.textContent()).toContain('Is my refund on its way?');
    await shot(m, 'member-phone-refused-en');
  });

  it('files: a refused upload is explained in words, a PDF arrives as a download card', async () => {
    const member = await suite.server.user('member', '李居士');
    const agent = await suite.server.user('agent', '客服阿德');
    const m = await (await suite.context(PHONE)).newPage();
    await m.goto(`${suite.server.url}/member?token=${member.token}`);
    await m.getByTestId('topic-input').fill('發票');
    await m.getByTestId('start-chat').click();
    const chatId = (await m.getByTestId('chat-window').getAttribute('data-chat-id'))!;
    await api(suite.server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    await m.locator('[data-testid=chat-status][data-status=open]').waitFor();

    // An executable dressed as a picture: the bytes decide, and the member is told why.
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90), Buffer.from('PE\0\0')]);
    await m.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: exe });
    const err = m.getByTestId('composer-error');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/photo\.png: (不支援此檔案類型|無法辨識此檔案類型)/);
    await shot(m, 'member-phone-upload-refused');

    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
    await m.getByTestId('file-input').setInputFiles({ name: '發票.pdf', mimeType: 'application/pdf', buffer: pdf });
    await withText(m, '.staged .chip', '發票.pdf').waitFor();
    await m.getByTestId('send').click();
    const a = await (await suite.context(DESKTOP)).newPage();
    await a.goto(`${suite.server.url}/desk?token=${agent.token}`);
    const card = a.getByTestId('attachment-file');
    await card.waitFor();
    expect(await card.textContent()).toContain('發票.pdf');
    const href = (await card.getAttribute('href'))!;
    const res = await fetch(suite.server.url + href);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    await shot(a, 'agent-file-card');
  });

  it('switches language, remembers it, and localizes the whole window', async () => {
    const member = await suite.server.user('member', '陳居士');
    const ctx = await suite.context(PHONE);
    const m = await ctx.newPage();
    await m.goto(`${suite.server.url}/embed?token=${member.token}`);
    await withText(m, 'button', '開始對話').waitFor();
    expect(await m.evaluate(() => document.documentElement.lang)).toBe('zh-Hant-TW');
    await m.getByTestId('language').selectOption('en');
    await withText(m, 'button', 'Start chat').waitFor();
    expect(await m.evaluate(() => document.documentElement.lang)).toBe('en');
    await shot(m, 'member-phone-en');
    await m.reload();
    await withText(m, 'button', 'Start chat').waitFor();
    await m.getByTestId('language').selectOption('zh-CN');
    await withText(m, 'button', '开始对话').waitFor();
    expect(await m.locator('label', { hasText: '主题' }).count()).toBe(1);
    await m.getByTestId('language').selectOption('zh-TW');
    await withText(m, 'button', '開始對話').waitFor();
  });

  it('supervisor sees every chat and who holds it, and reads one without writing', async () => {
    const member = await suite.server.user('member', '張居士');
    const agent = await suite.server.user('agent', '客服慧明');
    const sup = await suite.server.user('supervisor', '主管妙音');
    const chat = (await api(suite.server, 'POST', '/api/chats', member.token, { topic: '法會報名' })).body.chat;
    await api(suite.server, 'POST', `/api/chats/${chat.id}/accept`, agent.token);
    await api(suite.server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: 'sup-1', text: '想報名藥師法會' });
    const ctx = await suite.context(DESKTOP);
    const s = await ctx.newPage();
    await s.goto(`${suite.server.url}/supervisor?token=${sup.token}`);
    const row = withText(s, '[data-testid=sup-row]', '張居士');
    await row.waitFor();
    expect(await row.textContent()).toContain('客服慧明');
    await row.getByRole('button').click();
    await withText(s, '[data-testid=message]', '想報名藥師法會').waitFor();
    expect(await s.getByTestId('composer-input').count()).toBe(0);
    // Live: a new message shows up in the read-only view.
    await api(suite.server, 'POST', `/api/chats/${chat.id}/messages`, agent.token, { id: 'sup-2', text: '已為您登記' });
    await withText(s, '[data-testid=message]', '已為您登記').waitFor();
    await shot(s, 'supervisor');
  });

  it('desk: presence, unread badge on a background tab, transfer with a note to another agent', async () => {
    const a1 = await suite.server.user('agent', '客服甲');
    const a2 = await suite.server.user('agent', '客服乙');
    const m1 = await suite.server.user('member', '會員一');
    const m2 = await suite.server.user('member', '會員二');
    const c1 = (await api(suite.server, 'POST', '/api/chats', m1.token, { topic: '一' })).body.chat;
    const c2 = (await api(suite.server, 'POST', '/api/chats', m2.token, { topic: '二' })).body.chat;
    await api(suite.server, 'POST', `/api/chats/${c1.id}/accept`, a1.token);
    await api(suite.server, 'POST', `/api/chats/${c2.id}/accept`, a1.token);
    const p1 = await (await suite.context(DESKTOP)).newPage();
    const p2 = await (await suite.context(DESKTOP)).newPage();
    await p1.goto(`${suite.server.url}/desk?token=${a1.token}`);
    await p2.goto(`${suite.server.url}/desk?token=${a2.token}`);
    await p1.locator('[data-testid=tab]').nth(1).waitFor();
    await p2.getByTestId('presence').waitFor();

    // Presence: choosing "away" reaches the server.
    await p1.getByRole('radio', { name: '暫離' }).check();
    const away = async () => ((await api(suite.server, 'GET', '/api/presence', a1.token)).body.agents as Array<{ id: string; status: string }>).find((x) => x.id === a1.id)?.status;
    for (let i = 0; i < 50 && (await away()) !== 'away'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await away()).toBe('away');
    await p1.getByRole('radio', { name: '上線' }).check();

    // The tab not on screen gets an unread badge when its member writes; keyboard moves between tabs.
    const selected = await p1.locator('[data-testid=tab][aria-selected=true]').textContent();
    const other = selected?.includes('會員一') ? { chat: c2, member: m2, name: '會員二' } : { chat: c1, member: m1, name: '會員一' };
    await api(suite.server, 'POST', `/api/chats/${other.chat.id}/messages`, other.member.token, { id: 'bg-1', text: '在嗎？' });
    const badge = withText(p1, '[data-testid=tab]', other.name).getByTestId('tab-unread');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('1');
    await p1.locator('[data-testid=tab][aria-selected=true]').focus();
    await p1.keyboard.press('ArrowRight');
    await withText(p1, '[data-testid=tab][aria-selected=true]', other.name).waitFor();
    await withText(p1, '[data-testid=message]', '在嗎？').waitFor();
    await badge.waitFor({ state: 'detached' });

    // Transfer it to 客服乙 with a note: it leaves 甲 (read-only) and opens as a tab for 乙.
    await p1.getByTestId('transfer').click();
    const dialog = p1.getByTestId('transfer-dialog');
    await dialog.waitFor();
    await withText(p1, '[data-testid=transfer-dialog] option', '客服乙').waitFor({ state: 'attached' });
    await dialog.getByLabel('轉接給').selectOption(a2.id);
    await dialog.getByLabel('備註（僅同仁可見，會員看不到）').fill('會員詢問法會');
    await shot(p1, 'agent-transfer');
    await dialog.getByRole('button', { name: '轉接' }).click();
    await dialog.waitFor({ state: 'detached' });
    await withText(p2, '[data-testid=tab]', other.name).waitFor();
    await withText(p2, '[data-testid=message]', '在嗎？').waitFor();
    // The note is private: 乙 reads it among the chat's notes, never in the system line.
    await withText(p2, '[data-testid=note]', '會員詢問法會').waitFor();
    expect(await withText(p2, '.msg-system', '會員詢問法會').count()).toBe(0);
    expect(await p1.getByTestId('close-chat').count()).toBe(0); // no longer 甲's to close
    const chat = (await api(suite.server, 'GET', `/api/chats/${other.chat.id}`, a2.token)).body.chat;
    expect(chat.assigneeId).toBe(a2.id);
    // The desk stacks on a narrow screen (queue above the chat).
    await p2.setViewportSize(PHONE.viewport);
    await shot(p2, 'agent-narrow');
  });

  it('history scrolls upward: older pages load at the top without losing the place', async () => {
    const member = await suite.server.user('member', '老會員');
    const agent = await suite.server.user('agent');
    const chat = (await api(suite.server, 'POST', '/api/chats', member.token, { topic: '長對話' })).body.chat;
    await api(suite.server, 'POST', `/api/chats/${chat.id}/accept`, agent.token);
    for (let i = 1; i <= 120; i++) await api(suite.server, 'POST', `/api/chats/${chat.id}/messages`, i % 2 ? member.token : agent.token, { id: `long-${i}`, text: `第 ${i} 則` });
    const m = await (await suite.context(PHONE)).newPage();
    await m.goto(`${suite.server.url}/member?token=${member.token}`);
    await withText(m, '[data-testid=message]', '第 120 則').waitFor();
    expect(await m.locator('[data-testid=message]').count()).toBeLessThanOrEqual(50);
    const list = m.getByTestId('messages');
    // Scroll to the top twice: all 120 arrive, the first one last, and the view stays where it was.
    for (let page = 0; page < 2; page++) {
      const before = await m.locator('[data-testid=message]').count();
      const anchor = m.locator('[data-testid=message]').first();
      const anchorText = await anchor.locator('.msg-text').textContent();
      await list.evaluate((el) => (el.scrollTop = 0));
      await m.waitForFunction((n) => document.querySelectorAll('[data-testid=message]').length > n, before);
      const kept = withText(m, '[data-testid=message]', anchorText!);
      const box = await kept.boundingBox();
      // Still on screen: without keeping the place it would sit 50 messages below the fold.
      expect(box!.y).toBeGreaterThan(0);
      expect(box!.y).toBeLessThan(PHONE.viewport.height);
    }
    await withText(m, '[data-testid=message]', '第 1 則').waitFor({ state: 'attached' });
    await m.locator('.history-start').waitFor({ state: 'attached' });
    expect(await m.locator('[data-testid=message]').count()).toBe(120);

    // Scrolled up, a new message counts as unread (header badge, tab title, a jump button).
    await api(suite.server, 'POST', `/api/chats/${chat.id}/messages`, agent.token, { id: 'long-new', text: '新的回覆' });
    await m.getByTestId('unread-count').waitFor();
    expect(await m.getByTestId('unread-count').textContent()).toBe('1');
    expect(await m.title()).toMatch(/^\(1\) /);
    await m.getByTestId('new-messages').click();
    await m.getByTestId('unread-count').waitFor({ state: 'detached' });
    await withText(m, '[data-testid=message]', '新的回覆').waitFor();
  });

  it('the shop demo page embeds the member window and hands over the token by postMessage', async () => {
    const member = await suite.server.user('member', '商城會員');
    const ctx = await suite.context(DESKTOP);
    const p = await ctx.newPage();
    await p.goto(`${suite.server.url}/embed-demo.html?token=${encodeURIComponent(member.token)}`);
    const frame = p.frameLocator('#lotusdesk');
    await frame.getByTestId('start-form').waitFor();
    await frame.getByTestId('topic-input').fill('包裹查詢');
    await frame.getByTestId('start-chat').click();
    await frame.locator('[data-testid=chat-status][data-status=pending]').waitFor();
    const chats = (await api(suite.server, 'GET', '/api/chats', member.token)).body.chats;
    expect(chats.map((c: { topic: string }) => c.topic)).toContain('包裹查詢');
    await shot(p, 'embed-demo');
  });
});
