/**
 * Masters on duty and canned replies in Chromium: an agent inserts a canned reply through the `/`
 * picker (searched in the other script, names filled in) and sends it; the member window says a
 * master is on duty; the shifts page shows the holy days of the month and flags duty days that
 * have no master shift.
 */
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/server';
import { until } from '../helpers/wait';
import { DESKTOP, hasChromium, shot, useBrowserSuite } from './browser';

const suite = useBrowserSuite({ wait: 15_000 });
const HOUR = 3600_000;

describe.skipIf(!hasChromium)('masters on duty and canned replies in Chromium', () => {
  it('a canned reply goes through the / picker into the chat with the names filled in', async () => {
    const s = suite.server;
    const member = await s.user('member', '林居士');
    const agent = await s.user('agent', '客服小蓮');
    const sup = await s.user('supervisor');
    const mine = await api(s, 'POST', '/api/canned-replies', agent.token, { shortcut: 'hi', title: '問候', text: '{member}您好，我是{agent}，很高興為您服務。' });
    expect(mine.status).toBe(201);
    const team = await api(s, 'POST', '/api/canned-replies', sup.token, { shortcut: 'huixiang', title: '迴向文', text: '願以此功德，普及於一切，{member}與眾生，皆共成佛道。', scope: 'team' });
    expect(team.status).toBe(201);
    const chatId = (await api(s, 'POST', '/api/chats', member.token, { topic: '請問法會' })).body.chat.id as string;
    expect((await api(s, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);

    const page = await (await suite.context(DESKTOP)).newPage();
    await page.goto(`${s.url}/desk?token=${agent.token}`);
    const input = page.getByTestId('composer-input');
    await input.waitFor();
    // 回向 (Simplified usage) finds the team reply written 迴向文.
    await input.fill('/回向');
    const picker = page.getByTestId('canned-picker');
    await picker.waitFor();
    expect(await page.getByTestId('canned-option').count()).toBe(1);
    expect(await picker.textContent()).toContain('迴向文');
    expect(await input.getAttribute('aria-expanded')).toBe('true');
    await shot(page, 'canned-picker');
    await input.press('Enter');
    await page.waitForFunction(() => (document.querySelector('[data-testid=composer-input]') as HTMLTextAreaElement).value.startsWith('願以此功德'));
    expect(await input.inputValue()).toBe('願以此功德，普及於一切，林居士與眾生，皆共成佛道。');
    expect(await picker.count()).toBe(0);
    await input.press('Enter');
    await page.locator('[data-testid=message]', { hasText: '林居士與眾生' }).waitFor();

    // The shortcut after other words, chosen with the arrow keys among several.
    await input.fill('感恩 /h');
    await picker.waitFor();
    expect(await page.getByTestId('canned-option').count()).toBe(2);
    const options = await page.getByTestId('canned-option').allTextContents();
    const target = options.findIndex((o) => o.includes('/hi'));
    for (let i = 0; i < target; i++) await input.press('ArrowDown');
    await input.press('Enter');
    await page.waitForFunction(() => (document.querySelector('[data-testid=composer-input]') as HTMLTextAreaElement).value.includes('客服小蓮'));
    expect(await input.inputValue()).toBe('感恩 林居士您好，我是客服小蓮，很高興為您服務。');
    await input.press('Enter');
    await page.locator('[data-testid=message]', { hasText: '我是客服小蓮' }).waitFor();
    await shot(page, 'canned-sent');
    // Escape closes the picker and leaves the text.
    await input.fill('/hi');
    await picker.waitFor();
    await input.press('Escape');
    expect(await picker.count()).toBe(0);
    expect(await input.inputValue()).toBe('/hi');

    const stored = (await api(s, 'GET', `/api/chats/${chatId}/messages`, agent.token)).body.messages.map((m: any) => m.text);
    expect(stored).toContain('感恩 林居士您好，我是客服小蓮，很高興為您服務。');
    const uses = (await api(s, 'GET', '/api/canned-replies', agent.token)).body.replies.map((r: any) => [r.shortcut, r.usageCount]);
    expect(uses).toEqual(expect.arrayContaining([['hi', 1], ['huixiang', 1]]));
  });

  it('the member window says a master is on duty; the shifts page flags duty days without a master', async () => {
    const s = suite.server;
    const sup = await s.user('supervisor');
    const master = await s.user('master', '慧心法師');
    const member = await s.user('member');
    expect((await api(s, 'PATCH', '/api/desk/duty-settings', sup.token, { holyDays: 'both' })).status).toBe(200);

    const memberPage = await (await suite.context(DESKTOP)).newPage();
    await memberPage.goto(`${s.url}/member?token=${member.token}`);
    const window = await api(s, 'POST', '/api/desk/duty-windows', sup.token, { from: new Date(Date.now() - 60_000).toISOString(), to: new Date(Date.now() + HOUR).toISOString(), reason: '觀音法會' });
    expect(window.status).toBe(201);
    await memberPage.reload();
    const banner = memberPage.getByTestId('duty-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('法師值班中');
    await shot(memberPage, 'duty-member-banner');

    // A master with a shift today: today's duty day (if it is one) is covered; other duty days are flagged.
    const now = Date.now();
    expect((await api(s, 'POST', '/api/schedules', sup.token, { userId: master.id, shiftStart: new Date(now - HOUR).toISOString(), shiftEnd: new Date(now + HOUR).toISOString() })).status).toBe(201);
    await api(s, 'POST', '/api/presence', master.token, { status: 'online' });
    const shifts = await (await suite.context({ viewport: { width: 1280, height: 1800 } })).newPage();
    await shifts.goto(`${s.url}/shifts?token=${sup.token}`);
    const calendar = shifts.getByTestId('holy-calendar');
    await calendar.waitFor();
    await shifts.getByTestId('holy-day').first().waitFor();
    // Every month has at least its lunar 1st and 15th.
    expect(await shifts.getByTestId('holy-day').count()).toBeGreaterThanOrEqual(2);
    // Next month: every duty day lacks a master shift and is flagged.
    await shifts.getByTestId('holy-next').click();
    await until(async () => (await shifts.locator('[data-missing=true]').count()) >= 2);
    expect(await shifts.getByTestId('holy-missing').textContent()).toMatch(/尚未排法師班/);
    await calendar.scrollIntoViewIfNeeded();
    await shot(shifts, 'duty-holy-calendar');
    // The next month's holy days are those the API gives.
    const month = (await shifts.getByTestId('holy-month').textContent()) ?? '';
    const [, y, m] = /(\d{4}) 年 (\d+) 月/.exec(month)!;
    const first = `${y}-${m.padStart(2, '0')}-01`;
    const last = new Date(Date.UTC(Number(y), Number(m), 0)).toISOString().slice(0, 10);
    const days = (await api(s, 'GET', `/api/calendar/holy-days?from=${first}&to=${last}`, sup.token)).body.days;
    const flagged = await shifts.locator('[data-missing=true]').evaluateAll((els) => els.map((e) => e.getAttribute('data-day')));
    expect(flagged.sort()).toEqual([...new Set(days.map((d: any) => d.date as string))].sort());

    // The dashboard shows the mode and who is on duty.
    const dash = await (await suite.context({ viewport: { width: 1280, height: 1400 } })).newPage();
    await dash.goto(`${s.url}/dashboard?token=${sup.token}`);
    await dash.getByTestId('duty-panel').waitFor();
    await until(async () => ((await dash.getByTestId('duty-mode').textContent()) ?? '').includes('值班模式：開啟'));
    expect(await dash.getByTestId('duty-masters').textContent()).toContain('慧心法師');
    await shot(dash, 'duty-dashboard');
    await api(s, 'DELETE', `/api/desk/duty-windows/${window.body.window.id}`, sup.token);
  });
});
