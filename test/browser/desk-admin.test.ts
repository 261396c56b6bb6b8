/**
 * The supervisors' pages in Chromium against a real server: the monitoring dashboard follows a
 * member opening a chat and an agent accepting it without a reload and without polling; queue
 * assignment mode and agent capacity are changed from the page; the statistics CSV downloads;
 * the shift week shows, adds (also overnight) and deletes shifts, adds a holiday, moves between
 * weeks and follows presence live; both pages are screenshotted in test-artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf, mondayOf, zonedInstant } from '../../src/web/components/desk-admin/zone';
import { api, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/ws-client';
import { ARTIFACTS, hasChromium, useBrowserSuite } from './browser';

const TZ = 'Asia/Taipei';
const WAIT = 15_000;
const HOUR = 3600_000;

const suite = useBrowserSuite({ env: { LOTUSDESK_TIMEZONE: TZ }, wait: WAIT });
let ctx: BrowserContext;
let page: Page;
let sup: Awaited<ReturnType<TestServer['user']>>;
let agent: Awaited<ReturnType<TestServer['user']>>;
let master: Awaited<ReturnType<TestServer['user']>>;
let agentSocket: RawClient | null = null;
/** GET /api/dashboard requests the page made (the live view must not poll). */
let dashboardFetches = 0;
/** Uncaught errors and console errors in the page: there must be none. */
const pageErrors: string[] = [];

const row = (attr: string, id: string) => page.locator(`[${attr}="${id}"]`);

describe.skipIf(!hasChromium)('supervisor pages in Chromium: dashboard and shift week', () => {
  // Runs after the suite's server and browser start; its context is closed with them.
  beforeAll(async () => {
    sup = await suite.server.user('supervisor', '王主管');
    agent = await suite.server.user('agent', '客服小蓮');
    master = await suite.server.user('master', '慧明法師');
    // On shift now, so the week grid has something this week; capacity 3.
    const now = Date.now();
    expect((await api(suite.server, 'POST', '/api/schedules', sup.token, { userId: agent.id, shiftStart: new Date(now - HOUR).toISOString(), shiftEnd: new Date(now + 6 * HOUR).toISOString() })).status).toBe(201);
    expect((await api(suite.server, 'PATCH', `/api/users/${agent.id}`, sup.token, { maxConcurrent: 3 })).status).toBe(200);
    ctx = await suite.context({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, timezoneId: 'America/New_York' });
    page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      // Refusals the test provokes (409 for an overlapping shift) are logged by the browser itself.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/dashboard') dashboardFetches++;
    });
  }, 180_000);

  afterAll(async () => {
    if (pageErrors.length) console.error('[desk-admin] page errors:', pageErrors);
    agentSocket?.close();
  });

  it('dashboard: queue length and agent load follow the WebSocket live; mode, capacity and CSV work', async () => {
    await page.goto(`${suite.server.url}/dashboard?token=${sup.token}`);
    await row('data-queue', 'orders').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('監控儀表板');
    expect(await row('data-queue', 'orders').getByTestId('queue-length').textContent()).toBe('0');
    expect(await row('data-agent', agent.id).getByTestId('agent-status').getAttribute('data-status')).toBe('offline');

    // Orders: manual accept only, chosen on the page.
    await row('data-queue', 'orders').getByTestId('queue-mode').selectOption('off');
    await page.getByText('已更新 訂單與物流 的分配方式。').waitFor();
    const queues = (await api(suite.server, 'GET', '/api/queues', sup.token)).body.queues;
    expect(queues.find((q: { id: string }) => q.id === 'orders').assignmentMode).toBe('off');
    expect(await row('data-queue', 'orders').getByTestId('queue-mode').inputValue()).toBe('off');

    // From here on, nothing may reload the page or poll the snapshot.
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const fetchesBefore = dashboardFetches;

    // The agent connects: online, live.
    agentSocket = await RawClient.connect(suite.server.wsUrl, agent.token);
    await row('data-agent', agent.id).locator('[data-testid=agent-status][data-status=online]').waitFor();

    // A member opens a chat about an order: the orders queue shows 1 in the table and on the chart.
    const member = await suite.server.user('member', '林居士');
    const chat = (await api(suite.server, 'POST', '/api/chats', member.token, { topic: '訂單查詢' })).body.chat;
    await page.waitForFunction(() => document.querySelector('[data-queue=orders] [data-testid=queue-length]')?.textContent === '1');
    expect(await page.getByTestId('queue-chart').getAttribute('aria-label')).toContain('訂單與物流 1');
    await fullShot('desk-admin-dashboard-waiting');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=hourly-chart]')?.getAttribute('aria-label')?.match(/新對話 (\d+)/)?.[1]) >= 1);

    // The agent accepts: load 1 of 3, queue back to 0, one chat handled today.
    expect((await api(suite.server, 'POST', `/api/chats/${chat.id}/accept`, agent.token)).status).toBe(200);
    await page.waitForFunction((id) => document.querySelector(`[data-agent="${id}"] [data-testid=agent-load]`)?.textContent === '1 / 3', agent.id);
    await page.waitForFunction(() => document.querySelector('[data-queue=orders] [data-testid=queue-length]')?.textContent === '0');
    await page.waitForFunction(() => document.querySelector('[data-testid=today-handled]')?.textContent === '1');
    expect(await page.getByTestId('agent-chart').getAttribute('aria-label')).toContain('客服小蓮 上線 1/3');
    // The agent answers: today's first response appears on its chart.
    await agentSocket.sendMessage(chat.id, '您好，我來協助您查詢訂單。');
    await page.getByTestId('today-chart').waitFor();
    expect(await page.getByTestId('today-chart').getAttribute('aria-label')).toMatch(/客服小蓮 \d+ 秒 \/ —/);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(dashboardFetches).toBe(fetchesBefore);

    // Capacity from the page, by keyboard: type and press Enter.
    const capacity = row('data-agent', agent.id).getByTestId('agent-capacity');
    await capacity.fill('4');
    await capacity.press('Enter');
    await page.waitForFunction((id) => document.querySelector(`[data-agent="${id}"] [data-testid=agent-load]`)?.textContent === '1 / 4', agent.id);
    const roster = (await api(suite.server, 'GET', '/api/presence', sup.token)).body.agents;
    expect(roster.find((a: { id: string }) => a.id === agent.id).capacity).toBe(4);

    // Efficiency statistics: the accepted chat is in today's row; the CSV downloads as CSV.
    await page.getByTestId('stats-refresh').click();
    await row('data-stats-agent', agent.id).getByTestId('stats-handled').filter({ hasText: '1' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stats-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^lotusdesk-agent-stats-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('day,agent_id,agent_name,handled,closed,avg_first_response_seconds,avg_handle_seconds,ratings,avg_rating');
    expect(lines.find((l) => l.includes(agent.id))).toMatch(new RegExp(`^${dayOf(new Date(), TZ)},${agent.id},客服小蓮,1,0,\\d+,,0,$`)); // not closed yet: no handle time; no ratings
    const res = await fetch(`${suite.server.url}/api/stats/agents?format=csv`, { headers: { authorization: `Bearer ${sup.token}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);

    await page.waitForTimeout(400); // let the last chart animation settle for the picture
    await fullShot('desk-admin-dashboard');
    // A tablet held upright: one column, nothing cut off sideways.
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await page.evaluate(() => document.querySelector('.da-page')!.scrollWidth <= document.querySelector('.da-page')!.clientWidth)).toBe(true);
    await fullShot('desk-admin-dashboard-tablet');
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(pageErrors).toEqual([]);
  });

  it('shift week: add (also overnight) and delete shifts, add a holiday, move between weeks, presence live', async () => {
    // In-app navigation from the dashboard (no reload).
    await page.getByRole('navigation', { name: '主選單' }).getByRole('link', { name: '客服排班' }).click();
    const grid = page.getByTestId('week-grid');
    await grid.waitFor();
    const today = dayOf(new Date(), TZ);
    const monday = mondayOf(today);
    expect(await page.locator('thead th[aria-current=date]').getAttribute('data-day')).toBe(today);
    // The shift around now is in today's cell, in desk time (the browser itself is in New York).
    const cell = (person: string, day: string) => page.locator(`tr[data-person="${person}"] td[data-day="${day}"]`);
    await cell(agent.id, today).getByTestId('shift-block').first().waitFor();
    expect(await page.locator(`tr[data-person="${agent.id}"] th`).textContent()).toContain('值班中');
    expect(await grid.locator('caption').textContent()).toContain(TZ);
    // Masters have a row of their own.
    expect(await page.locator(`tr[data-person="${master.id}"] th`).textContent()).toContain('法師');

    // Next week: add a day shift on Wednesday and an overnight one on Friday.
    await page.getByTestId('week-next').click();
    const next = addDays(monday, 7);
    await page.locator(`thead th[data-day="${next}"]`).waitFor();
    const form = page.getByTestId('shift-form');
    const addShift = async (day: string, start: string, end: string, person = agent.id) => {
      await form.getByLabel('人員').selectOption(person);
      await form.getByLabel('日期').selectOption(day);
      await form.getByLabel('開始時間').fill(start);
      await form.getByLabel('結束時間').fill(end);
      await form.getByRole('button', { name: '新增' }).click();
    };
    const wed = addDays(next, 2);
    await addShift(wed, '09:00', '17:00');
    await cell(agent.id, wed).getByTestId('shift-block').filter({ hasText: '09:00–17:00' }).waitFor();
    await addShift(addDays(next, 6), '06:00', '12:00', master.id);
    await cell(master.id, addDays(next, 6)).getByTestId('shift-block').filter({ hasText: '06:00–12:00' }).waitFor();
    const fri = addDays(next, 4);
    const sat = addDays(next, 5);
    await addShift(fri, '22:00', '06:00');
    await cell(agent.id, fri).getByTestId('shift-block').filter({ hasText: '22:00–24:00' }).waitFor();
    await cell(agent.id, sat).getByTestId('shift-block').filter({ hasText: '00:00–06:00' }).waitFor();
    const stored = (await api(suite.server, 'GET', `/api/schedules?from=${zonedInstant(next, '00:00', TZ).toISOString()}&to=${zonedInstant(addDays(next, 7), '00:00', TZ).toISOString()}&userId=${agent.id}`, sup.token)).body.shifts;
    expect(stored.map((s: { shiftStart: string; shiftEnd: string }) => [s.shiftStart, s.shiftEnd])).toEqual([
      [zonedInstant(wed, '09:00', TZ).toISOString(), zonedInstant(wed, '17:00', TZ).toISOString()],
      [zonedInstant(fri, '22:00', TZ).toISOString(), zonedInstant(sat, '06:00', TZ).toISOString()],
    ]);

    // The same hours again overlap: refused with a clear message, nothing added.
    await addShift(wed, '10:00', '12:00');
    await form.getByRole('alert').filter({ hasText: '此人員在這段時間已有班次。' }).waitFor();
    expect(await cell(agent.id, wed).getByTestId('shift-block').count()).toBe(1);

    // A closed holiday on Thursday shows on the week.
    const thu = addDays(next, 3);
    const holidays = page.getByTestId('holidays');
    await holidays.getByLabel('日期').fill(thu);
    await holidays.getByLabel('名稱').fill('藥師佛聖誕');
    await holidays.getByRole('button', { name: '新增假日' }).click();
    await page.locator(`thead th[data-day="${thu}"]`).getByTestId('holiday-tag').filter({ hasText: '藥師佛聖誕 · 休息日' }).waitFor();
    expect(await holidays.locator(`li[data-day="${thu}"]`).textContent()).toContain('藥師佛聖誕');
    expect((await api(suite.server, 'GET', '/api/holidays', sup.token)).body.holidays).toContainEqual({ day: thu, name: '藥師佛聖誕', closed: true });

    // Presence is live on this page too.
    expect((await api(suite.server, 'POST', '/api/presence', agent.token, { status: 'away' })).status).toBe(200);
    await page.locator(`tr[data-person="${agent.id}"] [data-testid=person-status][data-status=away]`).waitFor();

    // Delete the overnight shift by keyboard; the Wednesday one stays.
    // Tab from Wednesday's block reaches Friday's, with a visible focus ring.
    await page.getByRole('button', { name: /^刪除 客服小蓮 在 週三 .* 09:00–17:00 的班$/ }).focus();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({ label: document.activeElement?.getAttribute('aria-label'), outline: getComputedStyle(document.activeElement!).outlineStyle }));
    expect(focused.label).toMatch(/^刪除 客服小蓮 在 週五 .* 22:00–24:00 的班$/);
    expect(focused.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByTestId('shifts-status').filter({ hasText: '已刪除班次。' }).waitFor();
    expect(await cell(agent.id, fri).getByTestId('shift-block').count()).toBe(0);
    expect(await cell(agent.id, sat).getByTestId('shift-block').count()).toBe(0);
    expect(await form.getByRole('alert').count()).toBe(0); // the earlier refusal no longer applies
    const left = (await api(suite.server, 'GET', `/api/schedules?from=${zonedInstant(next, '00:00', TZ).toISOString()}&to=${zonedInstant(addDays(next, 7), '00:00', TZ).toISOString()}&userId=${agent.id}`, sup.token)).body.shifts;
    expect(left).toHaveLength(1);
    await fullShot('desk-admin-shifts');

    // Back to this week, then the page in English and Simplified Chinese.
    await page.getByTestId('week-prev').click();
    await page.locator(`thead th[data-day="${monday}"]`).waitFor();
    await cell(agent.id, today).getByTestId('shift-block').first().waitFor();
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Shifts' }).waitFor();
    await page.getByRole('button', { name: /Next week/ }).waitFor();
    expect(await page.locator(`tr[data-person="${agent.id}"] [data-testid=person-status]`).textContent()).toBe('Away');
    expect(await page.getByTestId('shifts-status').textContent()).toBe('Shift deleted.'); // notes follow the language
    await fullShot('desk-admin-shifts-en');
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByRole('button', { name: /上一周/ }).waitFor();
    await page.getByTestId('language').selectOption('zh-TW');
    expect(pageErrors).toEqual([]);
  });
});

/**
 * A screenshot of the whole page under test-artifacts/. The app scrolls inside its main area, not
 * the document, so the window is made as tall as the content for the picture.
 */
async function fullShot(name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const size = page.viewportSize()!;
  const tall = await page.evaluate(() => {
    const scroller = document.querySelector('.da-page');
    const top = document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0;
    return Math.ceil(top + (scroller?.scrollHeight ?? document.body.scrollHeight));
  });
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, tall) });
  await page.waitForTimeout(300); // charts resize to the new window
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  await page.setViewportSize(size);
}
