/**
 * Conversation merit 功德, scored once when a chat the member wrote in closes (the `chat.merit` job, idempotent: the
 * ledger holds one row per chat). Formula: 10 + 1 per 5 minutes + 2 per positive term in the
 * member's words + 5 per verified sutra quote. The inputs are stored with the points, the
 * member's total grows, and the member reads it as a system message in the chat.
 */
import { sql } from 'kysely';
import type { MeritSummary } from '../../shared/dharma';
import { systemLine } from '../../shared/system-lines';
import type { Bus } from '../bus/bus';
import type { ChatEvents } from '../chat/chat-events';
import type { ChatService } from '../chat/chat-service';
import { writeBatch } from '../chat/message-store';
import { systemItem } from '../chat/transitions';
import type { Listener } from '../events/hub';
import type { Db } from '../db/database';
import { normalizeText } from './normalize';

/** Words of gratitude and rejoicing that earn merit (any script). */
export const POSITIVE_TERMS: readonly string[] = ['感恩', '感謝', '謝謝', '多謝', '隨喜', '讚歎', '善哉', '阿彌陀佛', '歡喜', '法喜', '迴向', '回向', '祝福', '吉祥', '功德無量', '隨喜功德'];
const POSITIVE_NORMALIZED = [...new Set(POSITIVE_TERMS.map((t) => normalizeText(t, { collapseRepeats: false })))].sort((a, b) => b.length - a.length);

export interface MeritInputs {
  minutes: number;
  positiveTerms: string[];
  verifiedQuotes: number;
}

/** The seed's formula. */
export function meritPoints(i: MeritInputs): number {
  return 10 + Math.floor(i.minutes / 5) + 2 * i.positiveTerms.length + 5 * i.verifiedQuotes;
}

/** Every positive term occurrence in a text (longest first, no double counting of overlaps). */
export function positiveTermsIn(text: string): string[] {
  let n = normalizeText(text, { collapseRepeats: false });
  const found: string[] = [];
  for (const t of POSITIVE_NORMALIZED) {
    let i = n.indexOf(t);
    while (i >= 0) {
      found.push(t);
      n = n.slice(0, i) + '\u0000'.repeat(t.length) + n.slice(i + t.length);
      i = n.indexOf(t, i + t.length);
    }
  }
  return found;
}

export class Merit {
  constructor(private readonly deps: { db: Db; bus: Bus; chats: ChatService; events: ChatEvents; log: { error(o: unknown, m?: string): void } }) {}

  /** Queues scoring when a chat closes (once per cluster; the job id makes a second queueing a no-op). */
  readonly listener: Listener = {
    name: 'dharma.merit',
    scope: 'once',
    on: {
      'chat.closed': (event) => this.deps.bus.enqueue('chat.merit', { chatId: event.data.chatId }, { jobId: `merit-${event.data.chatId}` }),
    },
  };

  /** Registers the job handler. */
  start(): void {
    this.deps.bus.work('chat.merit', async ({ chatId }) => {
      await this.score(chatId);
    });
  }

  /** Scores a closed chat once; a second call (retry, other node) changes nothing. Returns the points or null. */
  async score(chatId: string): Promise<number | null> {
    const { db } = this.deps;
    const chat = await db.selectFrom('chats').select(['id', 'member_id', 'status', 'created_at', 'closed_at']).where('id', '=', chatId).executeTakeFirst();
    if (!chat || chat.status !== 'closed') return null;
    const messages = await db.selectFrom('messages').select(['sender_role', 'kind', 'content', 'flags']).where('chat_id', '=', chatId).where('kind', '=', 'text').execute();
    const memberWords = messages.filter((m) => m.sender_role === 'member');
    // Merit is for a conversation: a chat the member never wrote in (opened and left) earns none.
    if (!memberWords.length) return null;
    const positiveTerms = memberWords.flatMap((m) => positiveTermsIn(m.content));
    const verifiedQuotes = messages.reduce((n, m) => n + (Array.isArray(m.flags) ? (m.flags as Array<{ kind?: string; detail?: { status?: string } }>) : []).filter((f) => f.kind === 'citation' && (f.detail?.status === 'exact' || f.detail?.status === 'near')).length, 0);
    const closedAt = chat.closed_at ?? new Date();
    const minutes = Math.max(0, Math.floor((new Date(closedAt).getTime() - new Date(chat.created_at).getTime()) / 60_000));
    const inputs = { minutes, positiveTerms, verifiedQuotes };
    const points = meritPoints(inputs);

    const note = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('merit_ledger')
        .values({ chat_id: chatId, member_id: chat.member_id, minutes, positive_terms: positiveTerms.length, positive_detail: JSON.stringify(positiveTerms), verified_quotes: verifiedQuotes, points })
        .onConflict((oc) => oc.column('chat_id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return null;
      const total = await trx
        .insertInto('merit_totals')
        .values({ user_id: chat.member_id, total: points, updated_at: new Date() })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ total: sql<number>`merit_totals.total + ${points}`, updated_at: new Date() }))
        .returning('total')
        .executeTakeFirstOrThrow();
      const [outcome] = await writeBatch(trx, [systemItem(chatId, meritText(points, inputs, total.total))]);
      return outcome;
    });
    if (note === null) return null;
    if (note.ok) this.deps.events.message(note.result.message, note.result.chat, this.deps.chats.replies);
    return points;
  }

  /** The member's total and recent ledger entries. */
  async of(userId: string, limit = 20): Promise<MeritSummary> {
    const { db } = this.deps;
    const [total, entries] = await Promise.all([
      db.selectFrom('merit_totals').select('total').where('user_id', '=', userId).executeTakeFirst(),
      db.selectFrom('merit_ledger').selectAll().where('member_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute(),
    ]);
    return {
      total: total?.total ?? 0,
      entries: entries.map((e) => ({
        chatId: e.chat_id, points: e.points, minutes: e.minutes, positiveTerms: e.positive_terms, positiveDetail: e.positive_detail, verifiedQuotes: e.verified_quotes, createdAt: e.created_at.toISOString(),
      })),
    };
  }
}

function meritText(points: number, i: MeritInputs, total: number) {
  return systemLine('merit.earned', {
    points, minutes: i.minutes, minutePoints: Math.floor(i.minutes / 5), positive: i.positiveTerms.length,
    positivePoints: 2 * i.positiveTerms.length, quotes: i.verifiedQuotes, quotePoints: 5 * i.verifiedQuotes, total,
  });
}
