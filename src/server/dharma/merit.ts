/**
 * Conversation merit 功德, scored once when a chat the member wrote in closes (the `chat.merit`
 * job, idempotent: the ledger holds one row per chat).
 *
 * The formula (the seed's): points = 10 + minutes // 5 + 2 × positive words + 5 × sutra quotes,
 * where
 * - minutes are whole minutes of actual conversation: from the first staff answer
 *   (`chats.first_response_at`, or the first staff message if the desk has not stamped it yet) to
 *   the close. Time waiting in the queue earns nothing; a chat no one answered has 0 minutes;
 * - positive words are the occurrences of words of gratitude and rejoicing (POSITIVE_TERMS, either
 *   script) in the member's own text messages; staff kindness is not the member's merit;
 * - sutra quotes are the quotes in the conversation's text messages that the citation check
 *   verified (exact or near), whoever wrote them: a master's quote is the teaching received.
 * A chat the member never wrote in earns nothing. The ledger row keeps every part of the sum, the
 * member's total grows in the same transaction, the `merit.awarded` domain event is recorded
 * there too, and the member reads the sum as a system message in the chat.
 */
import { sql } from 'kysely';
import type { MeritSummary } from '../../shared/dharma';
import { systemLine } from '../../shared/system-lines';
import type { MeritParts } from '../../shared/domain-events';
import type { Bus } from '../bus/bus';
import type { ChatEvents } from '../chat/chat-events';
import type { ChatService } from '../chat/chat-service';
import { writeBatch } from '../chat/message-store';
import { systemItem } from '../chat/transitions';
import type { Clock } from '../core/clock';
import type { EventHub, Listener } from '../events/hub';
import { newEvent, recordEvents } from '../events/outbox';
import type { Db } from '../db/database';
import { normalizeText } from './normalize';

/** Words of gratitude and rejoicing that earn merit (any script). */
export const POSITIVE_TERMS: readonly string[] = ['感恩', '感謝', '謝謝', '多謝', '隨喜', '讚歎', '善哉', '阿彌陀佛', '歡喜', '法喜', '迴向', '回向', '祝福', '吉祥', '功德無量', '隨喜功德'];
const POSITIVE_NORMALIZED = [...new Set(POSITIVE_TERMS.map((t) => normalizeText(t, { collapseRepeats: false })))].sort((a, b) => b.length - a.length);

/** The formula's constants. */
export const MERIT_FORMULA = { base: 10, minutesPerPoint: 5, perPositiveWord: 2, perSutraQuote: 5 } as const;

export interface MeritInputs {
  /** Whole minutes from the first staff answer to the close. */
  minutes: number;
  /** The positive words found in the member's messages (one entry per occurrence). */
  positiveTerms: string[];
  verifiedQuotes: number;
}

/** The parts of the sum for these inputs. */
export function meritParts(i: MeritInputs): MeritParts {
  const minutes = Math.max(0, Math.floor(i.minutes));
  return {
    base: MERIT_FORMULA.base,
    minutes,
    minutePoints: Math.floor(minutes / MERIT_FORMULA.minutesPerPoint),
    positiveWords: i.positiveTerms.length,
    positivePoints: MERIT_FORMULA.perPositiveWord * i.positiveTerms.length,
    sutraQuotes: i.verifiedQuotes,
    quotePoints: MERIT_FORMULA.perSutraQuote * i.verifiedQuotes,
  };
}

/** The sum of the parts. */
export function partsTotal(p: MeritParts): number {
  return p.base + p.minutePoints + p.positivePoints + p.quotePoints;
}

/** The seed's formula: 10 + minutes // 5 + 2 × positive words + 5 × sutra quotes. */
export function meritPoints(i: MeritInputs): number {
  return partsTotal(meritParts(i));
}

/**
 * Whole minutes of conversation: from the first staff answer to the close; 0 when no one answered
 * (waiting in the queue is not conversation) or when the clocks disagree.
 */
export function conversationMinutes(firstStaffAnswerAt: Date | null, closedAt: Date): number {
  if (!firstStaffAnswerAt) return 0;
  return Math.max(0, Math.floor((closedAt.getTime() - firstStaffAnswerAt.getTime()) / 60_000));
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
  constructor(private readonly deps: { db: Db; bus: Bus; hub: EventHub; chats: ChatService; events: ChatEvents; clock: Clock; log: { error(o: unknown, m?: string): void } }) {}

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
    const chat = await db
      .selectFrom('chats as c')
      .select(['c.id', 'c.member_id', 'c.status', 'c.closed_at', 'c.first_response_at'])
      .select((eb) =>
        eb
          .selectFrom('messages as m')
          .select((m) => m.fn.min('m.created_at').as('at'))
          .whereRef('m.chat_id', '=', 'c.id')
          .where('m.kind', '=', 'text')
          .where('m.sender_role', 'not in', ['member', 'system'])
          .as('first_staff_message_at'),
      )
      .where('c.id', '=', chatId)
      .executeTakeFirst();
    if (!chat || chat.status !== 'closed') return null;
    const messages = await db.selectFrom('messages').select(['sender_role', 'kind', 'content', 'flags']).where('chat_id', '=', chatId).where('kind', '=', 'text').execute();
    const memberWords = messages.filter((m) => m.sender_role === 'member');
    // Merit is for a conversation: a chat the member never wrote in (opened and left) earns none.
    if (!memberWords.length) return null;
    const positiveTerms = memberWords.flatMap((m) => positiveTermsIn(m.content));
    const verifiedQuotes = messages.reduce((n, m) => n + (Array.isArray(m.flags) ? (m.flags as Array<{ kind?: string; detail?: { status?: string } }>) : []).filter((f) => f.kind === 'citation' && (f.detail?.status === 'exact' || f.detail?.status === 'near')).length, 0);
    // The desk stamps the first answer just after storing it; the message itself is the earliest witness.
    const stamps = [chat.first_response_at, chat.first_staff_message_at].filter((d): d is Date => d !== null && d !== undefined).map((d) => new Date(d));
    const startedAt = stamps.length ? new Date(Math.min(...stamps.map((d) => d.getTime()))) : null;
    const closedAt = chat.closed_at ? new Date(chat.closed_at) : this.deps.clock.now();
    const inputs = { minutes: conversationMinutes(startedAt, closedAt), positiveTerms, verifiedQuotes };
    const parts = meritParts(inputs);
    const points = partsTotal(parts);

    const done = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('merit_ledger')
        .values({
          chat_id: chatId, member_id: chat.member_id, minutes: parts.minutes, positive_terms: parts.positiveWords, positive_detail: JSON.stringify(positiveTerms),
          verified_quotes: parts.sutraQuotes, points, base: parts.base, conversation_started_at: startedAt, created_at: this.deps.clock.now(),
        })
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
      const events = await recordEvents(trx, [newEvent('merit.awarded', { chatId, memberId: chat.member_id, ledgerId: row.id, points, parts, total: total.total })]);
      const [note] = await writeBatch(trx, [systemItem(chatId, meritText(points, parts, total.total))]);
      return { note, events };
    });
    if (done === null) return null;
    if (done.note.ok) this.deps.events.message(done.note.result.message, done.note.result.chat, this.deps.chats.replies);
    await this.deps.hub.committed(done.events, null);
    return points;
  }

  /** The member's total and recent ledger entries, newest first, with the parts of each sum. */
  async of(userId: string, limit = 20): Promise<MeritSummary> {
    const { db } = this.deps;
    const [total, entries] = await Promise.all([
      db.selectFrom('merit_totals').select('total').where('user_id', '=', userId).executeTakeFirst(),
      db.selectFrom('merit_ledger').selectAll().where('member_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
    ]);
    return {
      total: total?.total ?? 0,
      entries: entries.map((e) => ({
        id: e.id,
        chatId: e.chat_id,
        points: e.points,
        minutes: e.minutes,
        positiveTerms: e.positive_terms,
        positiveDetail: e.positive_detail,
        verifiedQuotes: e.verified_quotes,
        parts: {
          base: e.base,
          minutes: e.minutes,
          minutePoints: Math.floor(e.minutes / MERIT_FORMULA.minutesPerPoint),
          positiveWords: e.positive_terms,
          positivePoints: MERIT_FORMULA.perPositiveWord * e.positive_terms,
          sutraQuotes: e.verified_quotes,
          quotePoints: MERIT_FORMULA.perSutraQuote * e.verified_quotes,
        },
        conversationStartedAt: e.conversation_started_at ? new Date(e.conversation_started_at).toISOString() : null,
        createdAt: new Date(e.created_at).toISOString(),
      })),
    };
  }
}

function meritText(points: number, p: MeritParts, total: number) {
  return systemLine('merit.earned', {
    points, minutes: p.minutes, minutePoints: p.minutePoints, positive: p.positiveWords,
    positivePoints: p.positivePoints, quotes: p.sutraQuotes, quotePoints: p.quotePoints, total,
  });
}
