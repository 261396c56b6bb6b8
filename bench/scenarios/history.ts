/**
 * History: p99 of loading a 50-message page from a 100,000-message chat against a 100-message
 * chat, over LotusDesk's HTTP API. The big chat is seeded with one INSERT … SELECT (not 100k
 * sends); requests alternate between the chats so both see the same machine.
 */
import { SignJWT } from 'jose';
import pg from 'pg';
import { Histogram } from '../load/histogram';
import type { RunningSystem } from '../systems';

export interface HistoryConfig {
  bigMessages: number;
  smallMessages: number;
  requests: number;
}

export interface HistoryPages {
  messages: number;
  /** Newest page (what opening a chat loads). */
  newest: ReturnType<Histogram['summaryMs']>;
  /** A page at a random depth (scrolling back). */
  deep: ReturnType<Histogram['summaryMs']>;
}

export interface HistoryResult {
  scenario: 'history';
  system: string;
  big: HistoryPages;
  small: HistoryPages;
  /** p99(big) / p99(small), over newest and deep pages together. */
  p99Ratio: number;
  bigP99Ms: number;
  smallP99Ms: number;
}

async function token(secret: string, sub: string, role: 'member' | 'agent'): Promise<string> {
  return new SignJWT({ role, name: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
    .sign(new TextEncoder().encode(secret));
}

async function openChat(system: RunningSystem, memberToken: string): Promise<string> {
  const res = await fetch(`${system.spec.httpUrl}/api/chats`, {
    method: 'POST',
    headers: { authorization: `Bearer ${memberToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ topic: '歷史' }),
  });
  const body = (await res.json()) as { chat: { id: string } };
  return body.chat.id;
}

/** Appends `count` messages to a chat in one statement, keeping seq gap-free and last_seq right. */
async function seed(client: pg.Client, chatId: string, count: number): Promise<void> {
  await client.query(
    `INSERT INTO messages (chat_id, seq, sender_id, sender_role, kind, content, client_id)
     SELECT c.id, c.last_seq + g, c.member_id, 'member', 'text', '第' || g || '則：請問念珠何時出貨？南無阿彌陀佛', 'seed-' || g
     FROM chats c, generate_series(1, $2::int) AS g WHERE c.id = $1`,
    [chatId, count],
  );
  await client.query('UPDATE chats SET last_seq = last_seq + $2 WHERE id = $1', [chatId, count]);
}

/** Seeds a big and a small chat and measures page loads from both. */
export async function historyScenario(system: RunningSystem, cfg: HistoryConfig): Promise<HistoryResult> {
  if (!system.databaseUrl || !system.spec.secret) throw new Error('the history scenario needs LotusDesk on PostgreSQL');
  const run = Date.now().toString(36);
  const bigToken = await token(system.spec.secret, `bench-hist-big-${run}`, 'member');
  const smallToken = await token(system.spec.secret, `bench-hist-small-${run}`, 'member');
  const bigChat = await openChat(system, bigToken);
  const smallChat = await openChat(system, smallToken);
  const client = new pg.Client({ connectionString: system.databaseUrl });
  await client.connect();
  try {
    await seed(client, bigChat, cfg.bigMessages);
    await seed(client, smallChat, cfg.smallMessages);
    await client.query('ANALYZE messages');
  } finally {
    await client.end();
  }
  const chats = [
    { id: bigChat, token: bigToken, size: cfg.bigMessages + 1, newest: new Histogram(), deep: new Histogram(), all: new Histogram() },
    { id: smallChat, token: smallToken, size: cfg.smallMessages + 1, newest: new Histogram(), deep: new Histogram(), all: new Histogram() },
  ];
  const load = async (c: (typeof chats)[number], before: number | null) => {
    const t0 = performance.now();
    const res = await fetch(`${system.spec.httpUrl}/api/chats/${c.id}/messages?limit=50${before ? `&before=${before}` : ''}`, {
      headers: { authorization: `Bearer ${c.token}` },
    });
    const body = (await res.json()) as { messages: unknown[] };
    const ms = performance.now() - t0;
    if (!res.ok || body.messages.length !== 50) throw new Error(`history page: ${res.status}, ${body.messages?.length} messages`);
    return ms;
  };
  // Warm both chats' pages (connection pool, plan cache), then measure alternately.
  for (let i = 0; i < 20; i++) for (const c of chats) await load(c, null);
  for (let i = 0; i < cfg.requests; i++) {
    for (const c of chats) {
      const newest = await load(c, null);
      c.newest.recordMs(newest);
      c.all.recordMs(newest);
      const deep = await load(c, 51 + Math.floor(Math.random() * (c.size - 51)));
      c.deep.recordMs(deep);
      c.all.recordMs(deep);
    }
  }
  const [big, small] = chats;
  const bigP99Ms = big.all.summaryMs().p99;
  const smallP99Ms = small.all.summaryMs().p99;
  return {
    scenario: 'history', system: system.name,
    big: { messages: big.size, newest: big.newest.summaryMs(), deep: big.deep.summaryMs() },
    small: { messages: small.size, newest: small.newest.summaryMs(), deep: small.deep.summaryMs() },
    p99Ratio: Math.round((bigP99Ms / smallP99Ms) * 100) / 100,
    bigP99Ms, smallP99Ms,
  };
}
