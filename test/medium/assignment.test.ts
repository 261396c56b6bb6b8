/**
 * Medium tier: automatic assignment (desk/assignment.ts) with the real chat service and
 * repositories on a database of its own per test (a clone of the seeded template), no HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssignmentService } from '../../src/server/desk/assignment';
import { acceptedChat, agent, member, pendingChat } from '../helpers/factories';
import { openMedium, type MediumContext } from '../helpers/medium';

let ctx: MediumContext;
let assigner: AssignmentService;
const TZ = 'Asia/Taipei';

beforeEach(async () => {
  ctx = await openMedium();
  assigner = new AssignmentService(ctx.db, ctx.chats, ctx.clock, TZ);
});
afterEach(async () => {
  await ctx.close();
});

async function chatRow(id: string) {
  return ctx.db.selectFrom('chats').select(['status', 'customer_service_id']).where('id', '=', id).executeTakeFirstOrThrow();
}

describe('automatic assignment', () => {
  it('gives a pending chat to an agent on shift and online, with the 已接聽 line, and announces it', async () => {
    const a = await agent(ctx, { name: '慧明' });
    const chat = await pendingChat(ctx, await member(ctx));
    expect(await assigner.assignBacklog()).toBe(1);
    expect(await chatRow(chat.id)).toEqual({ status: 'open', customer_service_id: a.id });
    const lines = await ctx.db.selectFrom('messages').select(['kind', 'content']).where('chat_id', '=', chat.id).execute();
    expect(lines).toContainEqual({ kind: 'system', content: '慧明 已接聽，為您服務。' });
    const announced = ctx.published.filter((e) => e.type === 'domain' && e.event.type === 'chat.assigned' && e.chat?.id === chat.id && e.chat.status === 'open');
    expect(announced.length).toBeGreaterThan(0);
  });

  it('leaves the chat waiting when nobody eligible is there: offline, off shift, closed holiday, wrong skill', async () => {
    await agent(ctx, { presence: 'offline' });
    await agent(ctx, { presence: 'away' });
    await agent(ctx, { onShift: false });
    await agent(ctx, { skills: [] });
    const orders = await pendingChat(ctx, await member(ctx), { queue: 'orders' }); // the orders queue needs skill "orders"
    expect(await assigner.assignBacklog()).toBe(0);
    expect((await chatRow(orders.id)).status).toBe('pending');

    const general = await pendingChat(ctx, await member(ctx));
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(ctx.clock.now());
    await ctx.db.insertInto('desk_holidays').values({ day: today, name: '浴佛節', closed: true }).execute();
    expect(await assigner.assignBacklog()).toBe(0);
    expect((await chatRow(general.id)).status).toBe('pending');

    await ctx.db.deleteFrom('desk_holidays').where('day', '=', today).execute();
    expect(await assigner.assignBacklog()).toBe(1);
    expect((await chatRow(general.id)).status).toBe('open');
    expect((await chatRow(orders.id)).status).toBe('pending');
  });

  it('respects capacity and prefers the least busy, but the member\'s last agent first', async () => {
    const busy = await agent(ctx, { maxConcurrent: 2 });
    const idle = await agent(ctx, { maxConcurrent: 2 });
    const returning = await member(ctx);
    const old = await acceptedChat(ctx, returning, busy);
    await ctx.chats.close(busy, old.id);
    await acceptedChat(ctx, await member(ctx), busy);

    // busy holds 1 of 2, idle 0 of 2: a stranger goes to idle, the returning member to busy.
    const stranger = await pendingChat(ctx, await member(ctx));
    expect(await assigner.assignBacklog()).toBe(1);
    expect((await chatRow(stranger.id)).customer_service_id).toBe(idle.id);
    const again = await pendingChat(ctx, returning);
    expect(await assigner.assignBacklog()).toBe(1);
    expect((await chatRow(again.id)).customer_service_id).toBe(busy.id);

    // Both full now (2 of 2 and 1 of 2 → one more for idle, then nobody).
    const c1 = await pendingChat(ctx, await member(ctx));
    const c2 = await pendingChat(ctx, await member(ctx));
    expect(await assigner.assignBacklog()).toBe(1);
    const states = [await chatRow(c1.id), await chatRow(c2.id)];
    expect(states.filter((s) => s.status === 'open')).toEqual([{ status: 'open', customer_service_id: idle.id }]);
  });

  it('concurrent assigners never assign a chat twice nor exceed anyone\'s capacity', async () => {
    const agents = await Promise.all([1, 2, 3].map(() => agent(ctx, { maxConcurrent: 4 })));
    const chats = [];
    for (let i = 0; i < 20; i++) chats.push(await pendingChat(ctx, await member(ctx)));
    const other = new AssignmentService(ctx.db, ctx.chats, ctx.clock, TZ);
    const counts = await Promise.all([assigner.assignBacklog(), other.assignBacklog(), assigner.assignBacklog(), other.assignBacklog()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    const rows = await ctx.db.selectFrom('chats').select(['id', 'status', 'customer_service_id']).where('id', 'in', chats.map((c) => c.id)).execute();
    expect(rows.filter((r) => r.status === 'open')).toHaveLength(12);
    for (const a of agents) expect(rows.filter((r) => r.customer_service_id === a.id)).toHaveLength(4);
    const notes = await ctx.db
      .selectFrom('messages')
      .select(['chat_id'])
      .where('kind', '=', 'system')
      .where('content', 'like', '%已接聽%')
      .where('chat_id', 'in', chats.map((c) => c.id))
      .execute();
    expect(notes).toHaveLength(12);
    expect(new Set(notes.map((n) => n.chat_id)).size).toBe(12);
  });
});
