/**
 * The Dharma features in a real browser against a real server: an agent's misquote is refused with
 * the authentic passage beside the kept text; a member's misquote is marked for the agent and
 * listed for supervisors; a member writing 煩惱 gets the Heart Sutra reply and sees merit when the
 * chat closes; an admin's misquoted rule is refused with the authentic passage, and an edited rule
 * answers the next message without a restart; the settings page works by keyboard and in English.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/server';
import { PHONE, hasChromium, shot, useBrowserSuite } from './browser';

// Not the shared DESKTOP: this file's pages and screenshots keep their own size.
const DESKTOP = { viewport: { width: 1280, height: 860 } };
const WAIT = 15_000;
const HEART_QUOTE = '無罣礙故，無有恐怖，遠離顛倒夢想';
const MISQUOTE = '《地藏經》云：「地獄不空，誓不成佛」，願我們都發此大願。';

const suite = useBrowserSuite({ wait: WAIT });

async function page(opts: Parameters<Browser['newContext']>[0]): Promise<Page> {
  return (await suite.context(opts)).newPage();
}

/** A member's chat accepted by an agent, made through the API (the UI under test is elsewhere). */
async function openChat(topic: string) {
  const member = await suite.server.user('member', '林居士');
  const agent = await suite.server.user('agent', '客服小蓮');
  const { body } = await api(suite.server, 'POST', '/api/chats', member.token, { topic });
  const chatId = body.chat.id as string;
  expect((await api(suite.server, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
  return { member, agent, chatId };
}

async function texts(chatId: string, token: string): Promise<Array<{ kind: string; text: string; senderRole: string }>> {
  return (await api(suite.server, 'GET', `/api/chats/${chatId}/messages`, token)).body.messages;
}

describe.skipIf(!hasChromium)('Dharma features in Chromium', () => {
  it("an agent's misquote is refused with the authentic passage and the text stays in the composer", async () => {
    const { agent, chatId } = await openChat('法寶請問');
    const a = await page(DESKTOP);
    await a.goto(`${suite.server.url}/desk?token=${agent.token}`);
    const input = a.getByTestId('composer-input');
    await input.fill(MISQUOTE);
    await input.press('Enter');

    const notice = a.getByTestId('citation-refusal');
    await notice.waitFor();
    expect(await a.getByTestId('composer-error').textContent()).toContain('經文');
    expect(await notice.textContent()).toContain('地藏菩薩本願經');
    expect(await notice.textContent()).toContain('T0412');
    const passage = (await a.getByTestId('authentic-passage').textContent()) ?? '';
    expect(passage.length).toBeGreaterThan(4);
    expect(passage).not.toContain('誓不成佛'); // the misquoted words are not what the sutra says
    expect(await input.inputValue()).toBe(MISQUOTE);
    await a.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'composer-input');
    expect(await input.getAttribute('aria-describedby')).toContain(await notice.getAttribute('id'));
    // The nearest words of T0412 are far from the saying: labelled as mere wording, not offered as a fix.
    expect(await a.getByTestId('use-authentic').count()).toBe(0);
    expect(await notice.textContent()).toContain('字面上最接近');
    expect(await notice.textContent()).not.toContain('經典原文（最接近的段落）');
    expect((await texts(chatId, agent.token)).some((m) => m.text.includes('誓不成佛'))).toBe(false); // refused: nothing stored
    await shot(a, 'dharma-agent-misquote-refused');

    // A quote a few characters off: the authentic words can be taken in its place, and then it goes through.
    await input.fill('《心經》云：「照見五蘊皆空，度一切煩惱」，願您身心安頓。');
    await input.press('Enter');
    await a.getByTestId('use-authentic').waitFor();
    // The canon's text is the Taishō's, unpunctuated: that is what the agent is offered.
    expect(await a.getByTestId('authentic-passage').textContent()).toBe('照見五蘊皆空度一切苦厄');
    expect(await notice.textContent()).toContain('T0251');
    expect(await notice.textContent()).toContain('經典原文（最接近的段落）');
    await shot(a, 'dharma-agent-near-misquote');
    await a.getByTestId('use-authentic').click();
    expect(await input.inputValue()).toBe('《心經》云：「照見五蘊皆空度一切苦厄」，願您身心安頓。');
    await input.press('Enter');
    await a.locator('[data-testid=message]', { hasText: '度一切苦厄' }).waitFor();
    expect(await a.getByTestId('citation-refusal').count()).toBe(0);
    expect(await input.inputValue()).toBe('');
  });

  it("a member's misquote is stored and marked for the agent, and listed for supervisors", async () => {
    const { member, agent, chatId } = await openChat('經文請問');
    const sent = await api(suite.server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'mq-1', text: '師父說《地藏經》云：「地獄不空，誓不成佛」，是真的嗎？' });
    expect(sent.status).toBe(201);

    const a = await page(DESKTOP);
    await a.goto(`${suite.server.url}/desk?token=${agent.token}`);
    const mark = a.locator('[data-testid=message-marks] [data-kind=unverified_citation]');
    await mark.waitFor();
    expect(await mark.textContent()).toContain('地藏菩薩本願經');
    expect(await a.getByTestId('citation-passage').first().textContent()).toBeTruthy();
    await shot(a, 'dharma-agent-sees-member-misquote');

    // The member's own window carries no mark.
    const m = await page(PHONE);
    await m.goto(`${suite.server.url}/member?token=${member.token}`);
    await m.locator('[data-testid=message]', { hasText: '誓不成佛' }).waitFor();
    expect(await m.getByTestId('message-marks').count()).toBe(0);

    const supervisor = await suite.server.user('supervisor', '李主管');
    const s = await page(DESKTOP);
    await s.goto(`${suite.server.url}/reviews?token=${supervisor.token}`);
    const item = s.locator('[data-testid=reviews] li', { hasText: '誓不成佛' }).first();
    await item.waitFor();
    expect(await item.getAttribute('data-kind')).toBe('unverified_citation');
    await item.getByRole('button', { name: '檢視對話' }).click();
    await item.locator('[data-testid=chat-window] [data-testid=message]', { hasText: '誓不成佛' }).waitFor(); // in its context, read-only
    expect(await item.getByTestId('composer-input').count()).toBe(0);
    await shot(s, 'dharma-supervisor-reviews');
    await item.getByRole('button', { name: '標記為已處理' }).click();
    await s.getByRole('status').filter({ hasText: '已標記為已處理' }).waitFor();
    expect(await s.locator('[data-testid=reviews] li', { hasText: '誓不成佛' }).count()).toBe(0);
    const open = await api(suite.server, 'GET', '/api/dharma/reviews?status=open', supervisor.token);
    expect(open.body.reviews.some((r: { chatId: string }) => r.chatId === chatId)).toBe(false);
  });

  it('a member writing 煩惱 gets the Heart Sutra reply, and sees merit when the chat closes', async () => {
    const member = await suite.server.user('member', '陳師姐');
    const m = await page(PHONE);
    await m.goto(`${suite.server.url}/member?token=${member.token}`);
    await m.getByTestId('start-chat').click();
    await m.locator('[data-testid=chat-status][data-status=pending]').waitFor();
    await m.getByTestId('composer-input').fill('最近煩惱很多，睡不好。');
    await m.getByTestId('composer-input').press('Enter');
    const auto = m.locator('[data-testid=message].kind-auto_reply');
    await auto.waitFor();
    expect(await auto.textContent()).toContain(HEART_QUOTE);
    expect(await auto.locator('.role-auto').textContent()).toBe('自動回覆');
    expect(await m.getByTestId('message-marks').count()).toBe(0); // marks are for staff
    await shot(m, 'dharma-member-auto-reply');

    const chatId = (await m.getByTestId('chat-window').getAttribute('data-chat-id'))!;
    await m.getByTestId('composer-input').fill('感恩，阿彌陀佛。');
    await m.getByTestId('composer-input').press('Enter');
    await m.locator('[data-testid=message]', { hasText: '感恩，阿彌陀佛' }).waitFor();
    const agent = await suite.server.user('agent', '客服小蓮');
    await api(suite.server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    expect((await api(suite.server, 'POST', `/api/chats/${chatId}/close`, agent.token)).status).toBe(200);

    // 10 base + 2 × (感恩, 阿彌陀佛): the system note in the chat and the total in the footer agree.
    await m.locator('.msg-system', { hasText: '功德 +14' }).waitFor();
    const total = m.getByTestId('merit-total');
    await m.waitForFunction(() => document.querySelector('[data-testid=merit-total]')?.getAttribute('data-total') === '14');
    expect(await total.textContent()).toContain('+14');
    expect((await api(suite.server, 'GET', '/api/merit/me', member.token)).body.total).toBe(14);
    await shot(m, 'dharma-member-merit');
  });

  it('an admin edits a rule on /dharma: a misquote is refused with the passage, the fix answers the next message', async () => {
    const admin = await suite.server.user('admin', '王管理員');
    const p = await page(DESKTOP);
    await p.goto(`${suite.server.url}/dharma?token=${admin.token}`);
    await p.getByTestId('categories').waitFor();
    await shot(p, 'dharma-admin-filter');

    // Keyboard: the tabs follow the ARIA pattern (arrows move, the selected tab holds focus).
    await p.getByRole('tab', { name: '內容過濾' }).focus();
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('ArrowRight');
    const repliesTab = p.getByRole('tab', { name: '自動法語回覆' });
    expect(await repliesTab.getAttribute('aria-selected')).toBe('true');
    expect(await repliesTab.evaluate((el) => el === document.activeElement)).toBe(true);
    const outline = await repliesTab.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid'); // visible focus

    const rule = p.getByRole('form', { name: /煩惱/ });
    await rule.waitFor();
    const reply = rule.getByTestId('rule-reply');
    const keywords = rule.getByTestId('rule-keywords');
    await keywords.fill('煩惱、憂心');
    await reply.fill('《地藏經》云：「地獄不空，誓不成佛」。願您安心。');
    await rule.getByTestId('rule-save').click();
    const refusal = rule.getByTestId('dharma-error');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('unverified_citation');
    expect(await refusal.getByTestId('citation-refusal').textContent()).toContain('T0412');
    expect(await refusal.textContent()).toContain('未儲存'); // saving, not sending: no talk of a message
    expect(await refusal.getByTestId('authentic-passage').textContent()).toBeTruthy();
    expect(await reply.getAttribute('aria-invalid')).toBe('true');
    await refusal.scrollIntoViewIfNeeded();
    await shot(p, 'dharma-admin-rule-refused');

    const fixed = '《心經》云：「照見五蘊皆空，度一切苦厄」。願您放下憂心。';
    await reply.fill(fixed);
    await rule.getByTestId('rule-save').click();
    await rule.getByRole('status').filter({ hasText: '已儲存' }).waitFor();
    expect(await rule.getByTestId('dharma-error').count()).toBe(0);
    const saved = (await api(suite.server, 'GET', '/api/dharma/rules', admin.token)).body.rules.find((r: { reply: string }) => r.reply === fixed);
    expect(saved.keywords).toEqual(['煩惱', '憂心']);

    // The next message (a new chat: the old one is in its cooldown), in Simplified script, gets the new reply.
    const member = await suite.server.user('member');
    const { body } = await api(suite.server, 'POST', '/api/chats', member.token, {});
    await api(suite.server, 'POST', `/api/chats/${body.chat.id}/messages`, member.token, { id: 'n-1', text: '我最近很忧心' });
    await expect.poll(async () => (await texts(body.chat.id, member.token)).find((x) => x.kind === 'auto_reply')?.text, { timeout: WAIT }).toBe(fixed);

    // In Simplified Chinese on a phone: the same page, its words switched, the saved rule in place.
    await p.setViewportSize({ width: 390, height: 844 });
    await p.getByTestId('language').selectOption('zh-CN');
    await p.getByRole('tab', { name: '自动法语回复' }).waitFor();
    expect(await p.getByRole('form', { name: /烦恼|煩惱/ }).getByTestId('rule-reply').inputValue()).toBe(fixed);
    await shot(p, 'dharma-admin-rules-zh-CN-phone');
  });

  it('an admin curates the filter on /dharma: term, allow-list and category action apply at once; supervisors only look', async () => {
    const admin = await suite.server.user('admin', '王管理員');
    const member = await suite.server.user('member');
    const chat = (await api(suite.server, 'POST', '/api/chats', member.token, {})).body.chat;
    let n = 0;
    const send = (text: string) => api(suite.server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: `f-${++n}`, text });

    const p = await page(DESKTOP);
    await p.goto(`${suite.server.url}/dharma?token=${admin.token}`);
    await p.getByTestId('categories').waitFor();
    expect((await send('這是蓮花假貨嗎')).status).toBe(201); // not a term yet

    const addForm = p.getByRole('form', { name: '新增過濾詞' });
    await addForm.getByLabel('新詞').fill('蓮花假貨');
    await addForm.getByLabel('類別').selectOption('ads');
    await addForm.getByRole('button', { name: '新增' }).click();
    await addForm.locator('..').getByRole('status').filter({ hasText: '已新增「蓮花假貨」' }).waitFor();
    const blocked = await send('这是莲花假货吗'); // Simplified script too
    expect(blocked.status).toBe(422);
    expect(blocked.body.error).toMatchObject({ code: 'forbidden_content', details: { category: 'ads' } });

    // An allowed word covering the term wins; the bare term is still refused.
    await p.getByLabel('允許詞', { exact: true }).fill('蓮花假貨鑑定');
    await p.getByRole('button', { name: '加入' }).click();
    await p.getByRole('status').filter({ hasText: '已加入允許詞「蓮花假貨鑑定」' }).waitFor();
    expect((await send('請幫我做蓮花假貨鑑定')).status).toBe(201);
    expect((await send('就是蓮花假貨')).status).toBe(422);

    // The category flags instead of blocking: stored, with a content mark for review.
    await p.getByLabel('「廣告與詐騙」的處理方式').selectOption('flag');
    await p.getByRole('status').filter({ hasText: '已將「廣告與詐騙」設為：標記待審' }).waitFor();
    const flagged = await send('又是蓮花假貨');
    expect(flagged.status).toBe(201);
    // Review marks are for staff: the admin sees the mark, the member's own view has none.
    const stored = (await texts(chat.id, admin.token)).find((m) => m.text === '又是蓮花假貨') as { flags?: Array<{ kind: string }> };
    expect(stored.flags?.some((f) => f.kind === 'content')).toBe(true);
    const ownView = (await texts(chat.id, member.token)).find((m) => m.text === '又是蓮花假貨') as { flags?: unknown };
    expect(ownView.flags).toBeUndefined();
    await p.getByLabel('「廣告與詐騙」的處理方式').selectOption('block');
    await p.getByRole('status').filter({ hasText: '封鎖' }).waitFor();
    await shot(p, 'dharma-admin-curated');

    // Search (either script) and remove the term: it passes again.
    await p.getByTestId('term-search').fill('莲花');
    await p.getByTestId('term-search').press('Enter');
    await p.getByRole('button', { name: '移除「蓮花假貨」' }).click();
    await p.getByRole('status').filter({ hasText: '已移除「蓮花假貨」' }).waitFor();
    expect((await send('真的是蓮花假貨')).status).toBe(201);
    await p.getByRole('button', { name: '移除允許詞「蓮花假貨鑑定」' }).click();
    await p.getByRole('status').filter({ hasText: '已移除允許詞' }).waitFor();
    const allow = (await api(suite.server, 'GET', '/api/dharma/allow', admin.token)).body.terms as Array<{ term: string }>;
    expect(allow.some((x) => x.term === '蓮花假貨鑑定')).toBe(false);

    // A supervisor sees the categories but cannot change them, and has no reply-rule tab.
    const supervisor = await suite.server.user('supervisor');
    const s = await page(DESKTOP);
    await s.goto(`${suite.server.url}/dharma?token=${supervisor.token}`);
    await s.getByTestId('categories').waitFor();
    expect(await s.locator('[data-testid=categories] select').count()).toBe(0);
    expect(await s.locator('[data-testid=categories] [data-category=ads]').textContent()).toContain('封鎖');
    expect(await s.getByRole('tab').allTextContents()).toEqual(['內容過濾', '試一段文字', '經典文庫']);
    expect(await s.getByTestId('terms').count()).toBe(0);
  });

  it('try a text, the sutra corpus (add and remove a text), and the page in English', async () => {
    const admin = await suite.server.user('admin', 'Admin');
    const p = await page(DESKTOP);
    await p.goto(`${suite.server.url}/dharma?tab=try&lang=en&token=${admin.token}`);
    await p.getByLabel('Text to check').fill('《心經》云：「色即是空，空即是色」；《地藏經》云：「地獄不空，誓不成佛」');
    await p.getByTestId('try-check').click();
    const result = p.getByTestId('try-result');
    await result.waitFor();
    expect(await result.locator('[data-verdict=pass]').count()).toBe(1);
    expect(await result.locator('[data-status=exact]').count()).toBe(1);
    expect(await result.locator('[data-status=misquote]').textContent()).toContain('Not in this sutra');
    expect(await result.textContent()).toContain('From an agent or master: refused');
    await shot(p, 'dharma-admin-try-en');

    await p.getByRole('tab', { name: 'Sutra corpus' }).click();
    const rows = p.locator('[data-testid=sutras] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(8);
    expect(await p.locator('[data-testid=sutras]').textContent()).toContain('T0251');

    // An admin adds a text: citations of it are verified from then on, without a restart.
    await p.getByLabel('Id', { exact: true }).fill('TEST-1');
    await p.getByLabel('Title', { exact: true }).fill('試驗經');
    await p.getByLabel('Other names', { exact: true }).fill('試驗經, 試經');
    await p.getByLabel('Text', { exact: true }).fill('如是我聞。一時佛在試驗林中，與諸比丘俱，說清淨心法。');
    await p.getByRole('button', { name: 'Add to the corpus' }).click();
    await p.getByRole('status').filter({ hasText: 'Added 試驗經' }).waitFor();
    await shot(p, 'dharma-admin-sutras-en');
    const check = async (text: string) => (await api(suite.server, 'POST', '/api/dharma/check', admin.token, { text })).body.citations[0]?.status;
    expect(await check('《試經》云：「一時佛在試驗林中，與諸比丘俱」')).toBe('exact');
    expect(await check('《試驗經》云：「一時佛在試驗林中，說無上甚深微妙法」')).toBe('misquote');
    await p.getByRole('button', { name: 'Remove 試驗經' }).click();
    await p.getByRole('status').filter({ hasText: 'Removed 試驗經' }).waitFor();
    expect(await check('《試驗經》云：「一時佛在試驗林中，說無上甚深微妙法」')).not.toBe('misquote'); // no longer held: not judged
  });
});
