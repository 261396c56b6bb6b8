/**
 * Members and merit in a real browser against a real server: a member applies for 三寶
 * certification with a photo and a master approves it in the review queue (the member's page
 * follows, the agent's member panel shows the mark and the level); a member sees their level's progress and the offer of their level, and claims it; the
 * daily leaderboard shows opted-in aliases only.
 */
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/server';
import { DESKTOP, PHONE, hasChromium, shot, useBrowserSuite } from './browser';

const suite = useBrowserSuite({ wait: 15_000 });

async function page(opts: Parameters<Browser['newContext']>[0]): Promise<Page> {
  return (await suite.context(opts)).newPage();
}

/** Awards merit straight into the ledger, as the scorer does when a chat closes. */
async function award(memberId: string, points: number): Promise<void> {
  const db = suite.server.desk.database.db;
  await db.insertInto('merit_ledger').values({ chat_id: null, member_id: memberId, minutes: 10, positive_terms: 1, verified_quotes: 0, points, created_at: new Date() }).execute();
  await sql`INSERT INTO merit_totals (user_id, total) VALUES (${memberId}, ${points}) ON CONFLICT (user_id) DO UPDATE SET total = merit_totals.total + ${points}`.execute(db);
}

describe.skipIf(!hasChromium)('members and merit in Chromium', () => {
  it('a member applies for 三寶 certification with a photo; a master approves it from the queue', async () => {
    const member = await suite.server.user('member', '陳居士');
    const master = await suite.server.user('master', '慧明法師');
    const m = await page(PHONE);
    await m.goto(`${suite.server.url}/certification?token=${member.token}`);
    await m.getByTestId('certification-form').waitFor();
    await m.getByTestId('cert-date').fill('2019-05-12');
    await m.getByTestId('cert-temple').fill('法鼓山農禪寺');
    await m.getByTestId('cert-master').fill('果東法師');
    await m.getByTestId('cert-dharma-name').fill('常蓮');
    const photo = await sharp({ create: { width: 480, height: 320, channels: 3, background: '#e9d8b4' } }).png().toBuffer();
    await m.getByTestId('cert-photo').setInputFiles({ name: '皈依證.png', mimeType: 'image/png', buffer: photo });
    await shot(m, 'members-certification-form');
    await m.getByTestId('cert-submit').click();
    await m.locator('[data-testid=certification-status][data-status=pending]').waitFor();
    await shot(m, 'members-certification-pending');

    const r = await page(DESKTOP);
    await r.goto(`${suite.server.url}/certifications?token=${master.token}`);
    const application = r.getByTestId('certification-application').filter({ hasText: '陳居士' });
    await application.waitFor();
    expect(await application.textContent()).toContain('法鼓山農禪寺');
    const img = application.getByTestId('certification-photo');
    await img.waitFor();
    await r.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle());
    await shot(r, 'members-certification-review');
    await application.getByTestId('review-approve').click();
    await application.waitFor({ state: 'detached' });

    // The member's open page follows the decision (the certification frame).
    await m.locator('[data-testid=certification-status][data-status=approved]').waitFor();
    expect(await m.getByTestId('certification-status').textContent()).toContain('三寶弟子');
    await shot(m, 'members-certification-approved');
    expect((await api(suite.server, 'GET', '/api/certifications/me', member.token)).body.certified).toBe(true);

    // The agent who takes the member's next chat sees the 三寶弟子 mark and the merit level beside it.
    const agent = await suite.server.user('agent', '客服小蓮');
    const chat = (await api(suite.server, 'POST', '/api/chats', member.token, { topic: '請問法會' })).body.chat;
    const a = await page(DESKTOP);
    await a.goto(`${suite.server.url}/desk?token=${agent.token}`);
    await a.locator(`[data-testid=queue-item][data-chat-id="${chat.id}"]`).getByTestId('accept').click();
    const panel = a.getByTestId('member-panel');
    await panel.getByTestId('certified-mark').waitFor();
    expect(await panel.getByTestId('member-level').textContent()).toContain('初發心');
    expect(await panel.getByTestId('member-certified').textContent()).toBe('三寶弟子');
    await shot(a, 'members-agent-panel');
  });

  it("a member sees their level's progress and the offer of their level, and claims it", async () => {
    const admin = await suite.server.user('admin', '管理員');
    const member = await suite.server.user('member', '王師姐');
    await award(member.id, 120);
    const day = 86400_000;
    const make = (title: string, minLevel: string, code: string) =>
      api(suite.server, 'POST', '/api/offers', admin.token, { title, body: '會員專屬結緣價', minLevel, code, startsAt: new Date(Date.now() - day).toISOString(), endsAt: new Date(Date.now() + 7 * day).toISOString() });
    const mine = (await make('精進會員：念珠九折', 'diligent', 'JINGJIN10')).body.offer;
    await make('蓮華會員：法會供燈', 'lotus', 'LOTUS-LAMP');

    const m = await page(PHONE);
    await m.goto(`${suite.server.url}/merit?token=${member.token}`);
    const level = m.locator('[data-testid=merit-level][data-level=diligent]');
    await level.waitFor();
    expect(await level.textContent()).toContain('精進');
    expect(await m.getByTestId('merit-to-next').textContent()).toContain('180');
    expect(await m.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('10');
    expect(await m.getByTestId('merit-ledger').textContent()).toContain('對話 10 分鐘 +2');
    const offers = m.getByTestId('offer');
    expect(await offers.count()).toBe(1);
    expect(await offers.first().textContent()).toContain('念珠九折');
    await shot(m, 'members-merit-level');
    await offers.first().getByTestId('offer-claim').click();
    await m.getByTestId('offer-code').waitFor();
    expect(await m.getByTestId('offer-code').textContent()).toContain('JINGJIN10');
    await shot(m, 'members-offer-claimed');
    const listed = (await api(suite.server, 'GET', '/api/offers', admin.token)).body.offers;
    expect(listed.find((o: { id: string }) => o.id === mine.id).claims).toBe(1);
  });

  it('the daily leaderboard shows the aliases of opted-in members only', async () => {
    const a = await suite.server.user('member', '李明德');
    const b = await suite.server.user('member', '張淑芬');
    const hidden = await suite.server.user('member', '黃不上榜');
    await award(a.id, 40);
    await award(b.id, 55);
    await award(hidden.id, 999);
    await api(suite.server, 'PUT', '/api/merit/me/leaderboard', b.token, { optIn: true, alias: '妙音居士' });

    // A opts in from the merit page, keeping the masked name offered.
    const p = await page(PHONE);
    await p.goto(`${suite.server.url}/merit?token=${a.token}`);
    await p.getByTestId('leaderboard-choice').waitFor();
    await p.waitForFunction(() => (document.querySelector('[data-testid=leaderboard-alias]') as HTMLInputElement | null)?.value === '李＊＊');
    await p.getByTestId('leaderboard-optin').check();
    await p.getByRole('button', { name: '儲存' }).click();
    await p.getByText('已儲存。').waitFor();
    await p.goto(`${suite.server.url}/leaderboard?token=${a.token}`);
    await p.getByTestId('leaderboard').waitFor();
    const rows = await p.getByTestId('leaderboard-row').allTextContents();
    expect(rows).toEqual(['1妙音居士55', '2李＊＊40']);
    const text = (await p.getByTestId('leaderboard').textContent()) ?? '';
    expect(text).not.toContain('黃不上榜');
    expect(text).not.toContain('999');
    await shot(p, 'members-leaderboard');
  });

  it('an admin renames a level and adds an offer for it from the admin page', async () => {
    const admin = await suite.server.user('admin', '管理員');
    const p = await page(DESKTOP);
    await p.goto(`${suite.server.url}/members-admin?token=${admin.token}`);
    await p.getByTestId('level-row').nth(4).waitFor();
    await p.getByLabel('名稱（英） 5').fill('Diamond');
    await p.getByLabel('福利（繁） 5').fill('專屬法師諮詢時段\n年度法會貴賓席');
    await p.getByTestId('levels-save').click();
    await p.getByText('三種語言的福利行數必須相同。').waitFor();
    await p.getByLabel('福利（簡） 5').fill('专属法师咨询时段\n年度法会贵宾席');
    await p.getByLabel('福利（英） 5').fill('Reserved hours with a Dharma master\nGuest seats at the yearly assembly');
    await p.getByTestId('levels-save').click();
    await p.locator('#mb-levels-h ~ form [role=status]', { hasText: '已儲存。' }).waitFor();
    const vajra = (await api(suite.server, 'GET', '/api/merit/levels', admin.token)).body.levels.find((l: { id: string }) => l.id === 'vajra');
    expect(vajra.name.en).toBe('Diamond');
    expect(vajra.benefits).toHaveLength(2);

    const form = p.getByTestId('offer-form');
    await form.getByLabel('標題').fill('金剛會員：法會貴賓席');
    await form.getByLabel('適用等級（含以上）').selectOption('vajra');
    await form.getByLabel('優惠碼').fill('VAJRA-VIP');
    await form.getByLabel('開始').fill('2026-01-01T09:00');
    await form.getByLabel('結束').fill('2030-12-31T18:00');
    await form.getByRole('button', { name: '新增優惠' }).click();
    const row = p.getByTestId('offer-row').filter({ hasText: 'VAJRA-VIP' });
    await row.waitFor();
    expect(await row.textContent()).toContain('金剛');
    expect(await row.getByTestId('offer-claims').textContent()).toBe('0');
    await shot(p, 'members-admin');
  });
});
