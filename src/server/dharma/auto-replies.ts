/**
 * Automatic Dharma replies: keyword rules (煩惱 → the Heart Sutra, 病痛 → the Medicine Buddha
 * Sutra, 支付 → the offering page) matched on normalized text in both scripts, and a compassion
 * pool for members whose message scored below -0.5 (called by the sentiment engine through
 * `onSentiment`). Every quote is verified when a rule or pool entry is saved. A chat is not
 * flooded (cooldown) and a person always comes first: no automatic reply while the agent is
 * typing or has answered within the last minute.
 */
import { sql } from 'kysely';
import type { CompassionEntry, Rule, RuleInput } from '../../shared/dharma';
import type { MessageDto, MessageFlag } from '../../shared/protocol';
import type { Listener } from '../events/hub';
import type { ChatService } from '../chat/chat-service';
import type { Reaction } from '../chat/pipeline-types';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { CitationService } from './citations/service';
import { refusalDetails } from './citations/service';
import { isFailing, MAX_VERIFIED_CITATIONS } from './citations/verify';
import { normalizeText } from './normalize';

export interface AutoReplyOptions {
  /** Minimum time between two automatic replies in one chat. */
  cooldownMs: number;
  /** No automatic reply if an agent or master wrote within this time. */
  humanQuietMs: number;
  /** A typing notice counts as "typing now" for this long. */
  typingMs: number;
  /** Score below which a member's message gets a compassion reply. */
  compassionBelow: number;
}

export const DEFAULT_AUTO_REPLY_OPTIONS: AutoReplyOptions = { cooldownMs: 5 * 60_000, humanQuietMs: 60_000, typingMs: 8_000, compassionBelow: -0.5 };

type Post = (input: { chatId: string; kind: 'auto_reply'; text: string; flags?: MessageFlag[] }) => Promise<MessageDto>;

interface CompiledRule {
  id: string;
  keywords: string[];
  reply: string;
}

export const SEED_RULES: Array<{ keywords: string[]; reply: string }> = [
  { keywords: ['煩惱'], reply: '《心經》云：「無罣礙故，無有恐怖，遠離顛倒夢想」。願您放下心中的罣礙，煩惱自會漸漸消融。服務人員稍後也會親自回覆您。' },
  { keywords: ['病痛', '生病'], reply: '《藥師經》云：「眾病逼切，無救無歸」，藥師如來發願拔除眾生病苦。祝您早日康復、身心安穩；服務人員很快會來協助您。' },
  { keywords: ['支付', '付款'], reply: '供養與付款方式請見供養頁面：/offerings 。如付款遇到問題，請留下訂單編號，服務人員會為您處理。' },
];

export const SEED_COMPASSION: string[] = [
  '《普門品》云：「念彼觀音力」。您並不孤單，我們一直都在，請慢慢說，服務人員會陪著您。',
  '《心經》云：「心無罣礙，無罣礙故，無有恐怖」。願您此刻心安；有任何難處都可以告訴我們。',
  '願您身心安穩。無論遇到什麼，都可以在這裡說出來，服務人員很快就會回覆您。',
];

export class AutoReplies {
  private rules: CompiledRule[] = [];
  private pool: string[] = [];
  /** chatId → userId → when that user last sent a typing notice. */
  private readonly typing = new Map<string, Map<string, number>>();
  private readonly inFlight = new Set<string>();
  /**
   * chatId → when this node last posted an automatic reply there. Within the cooldown the answer
   * is known without asking the database, which every matching message did before (a chat about
   * 煩惱 matches again and again). Other nodes' replies are still found by the query.
   */
  private readonly repliedAt = new Map<string, number>();
  private poolTurn = 0;

  constructor(
    private readonly deps: { db: Db; citations: CitationService; chats: ChatService; clock: Clock; post: Post; log: { warn(o: unknown, m?: string): void } },
    private readonly opts: AutoReplyOptions = DEFAULT_AUTO_REPLY_OPTIONS,
  ) {}

  /** Seeds the default rules and pool into empty tables; seeds are verified like any save. */
  async seed(): Promise<void> {
    const { db } = this.deps;
    await db.transaction().execute(async (trx) => {
      await sql`LOCK TABLE dharma_auto_rules IN EXCLUSIVE MODE`.execute(trx);
      if ((await trx.selectFrom('dharma_auto_rules').select('id').limit(1).execute()).length) return;
      // A seed whose quote the installed corpus cannot confirm (an operator's own corpus) is left
      // out with a warning rather than stopping the Dharma features.
      const verified = async (text: string) => this.assertQuotes(text).then(() => true, (err) => (this.deps.log.warn({ err, text }, 'dharma: seed reply not verified; skipped'), false));
      for (const [i, r] of SEED_RULES.entries()) {
        if (await verified(r.reply)) await trx.insertInto('dharma_auto_rules').values({ keywords: r.keywords, reply: r.reply, position: i }).execute();
      }
      for (const text of SEED_COMPASSION) {
        if (await verified(text)) await trx.insertInto('dharma_compassion').values({ text }).execute();
      }
    });
  }

  /** Reloads rules and pool from the database. */
  async reload(): Promise<void> {
    const { db } = this.deps;
    const [rules, pool] = await Promise.all([
      db.selectFrom('dharma_auto_rules').select(['id', 'keywords', 'reply']).where('enabled', '=', true).orderBy('position').orderBy('created_at').execute(),
      db.selectFrom('dharma_compassion').select('text').where('enabled', '=', true).orderBy('created_at').execute(),
    ]);
    this.rules = rules.map((r) => ({ id: r.id, reply: r.reply, keywords: r.keywords.map((k) => normalizeText(k)).filter(Boolean) }));
    this.pool = pool.map((p) => p.text);
  }

  /** Remembers typing notices (an every-node listener: every node sees every chat's typing). */
  readonly typingMemory: Listener = {
    name: 'dharma.typing-memory',
    scope: 'every-node',
    onSignal: (_audience, frame) => {
      if (frame.type !== 'typing') return;
      if (this.typing.size > 10_000) this.typing.clear();
      let users = this.typing.get(frame.chatId);
      if (!users) this.typing.set(frame.chatId, (users = new Map()));
      users.set(frame.userId, this.deps.clock.now().getTime());
    },
  };

  /** The keyword reaction to members' messages. */
  asReaction(): Reaction {
    return {
      name: 'dharma.auto-replies',
      afterStored: async (message, ctx) => {
        if (message.senderRole !== 'member' || message.kind !== 'text') return;
        const rule = this.match(message.text);
        if (!rule) return;
        await this.replyOnce(message.chatId, { kind: 'rule', ruleId: rule.id }, rule.reply, (input) => ctx.postMessage(input));
      },
    };
  }

  /** The rule whose keyword the text contains (normalized, either script), if any. */
  match(text: string): CompiledRule | null {
    const n = normalizeText(text);
    return this.rules.find((r) => r.keywords.some((k) => n.includes(k))) ?? null;
  }

  /**
   * The sentiment seam: the sentiment engine calls this for every scored message. Below the
   * threshold, a member's message gets a reply from the compassion pool (subject to the same
   * cooldown and human-first rules). Resolves to the posted message, if any.
   */
  async onSentiment(message: Pick<MessageDto, 'chatId' | 'senderRole'>, score: number): Promise<MessageDto | null> {
    if (message.senderRole !== 'member' || !(score < this.opts.compassionBelow) || !this.pool.length) return null;
    const text = this.pool[this.poolTurn++ % this.pool.length];
    return this.replyOnce(message.chatId, { kind: 'compassion', score }, text, this.deps.post);
  }

  private async replyOnce(chatId: string, why: Record<string, unknown>, text: string, post: Post): Promise<MessageDto | null> {
    if (this.inFlight.has(chatId)) return null;
    this.inFlight.add(chatId);
    try {
      if (!(await this.mayReply(chatId))) return null;
      const posted = await post({ chatId, kind: 'auto_reply', text, flags: [{ kind: 'auto_reply', detail: why }] });
      this.rememberReply(chatId);
      return posted;
    } finally {
      this.inFlight.delete(chatId);
    }
  }

  /** Human first and no flooding: no agent typing, no agent answer within a minute, cooldown passed. */
  private async mayReply(chatId: string): Promise<boolean> {
    const now = this.deps.clock.now().getTime();
    const repliedAt = this.repliedAt.get(chatId);
    if (repliedAt !== undefined && now - repliedAt < this.opts.cooldownMs) return false;
    const facts = await this.deps.chats.factsOf(chatId);
    if (!facts || facts.status === 'closed') return false;
    for (const [userId, at] of this.typing.get(chatId) ?? []) {
      if (userId !== facts.memberId && now - at < this.opts.typingMs) return false;
    }
    const recent = await recentRepliesQuery(chatId, new Date(now - Math.max(this.opts.cooldownMs, this.opts.humanQuietMs))).execute(this.deps.db);
    for (const m of recent.rows) {
      const age = now - new Date(m.created_at).getTime();
      if (m.kind === 'auto_reply' && age < this.opts.cooldownMs) return false;
      if ((m.sender_role === 'agent' || m.sender_role === 'master') && age < this.opts.humanQuietMs) return false;
    }
    return true;
  }

  private rememberReply(chatId: string): void {
    const now = this.deps.clock.now().getTime();
    if (this.repliedAt.size >= 10_000) {
      for (const [id, at] of this.repliedAt) if (now - at >= this.opts.cooldownMs) this.repliedAt.delete(id);
    }
    this.repliedAt.set(chatId, now);
  }

  /** Refuses a text whose sutra quotes are not in the sutras they name. */
  async assertQuotes(text: string): Promise<void> {
    const results = await this.deps.citations.verifyText(text);
    // A reply goes to members with nobody to review it: every quote in it must have been checked.
    const unchecked = results.filter((r) => r.status === 'not_checked').length;
    if (unchecked) throw new AppError('too_large', { reason: 'too many distinct sutra quotes to verify', max: MAX_VERIFIED_CITATIONS, quotes: MAX_VERIFIED_CITATIONS + unchecked });
    const bad = results.find(isFailing);
    if (bad) throw new AppError('unverified_citation', refusalDetails(bad, results));
  }

  // ---- admin CRUD (thin; routes bump the version and reload) ----

  /** Every rule. */
  async listRules(): Promise<Rule[]> {
    const rows = await this.deps.db.selectFrom('dharma_auto_rules').selectAll().orderBy('position').orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, keywords: r.keywords, reply: r.reply, enabled: r.enabled, position: r.position }));
  }

  /** Adds a rule after verifying its quotes. */
  async addRule(input: RuleInput): Promise<Rule> {
    validateKeywords(input.keywords);
    await this.assertQuotes(input.reply);
    const r = await this.deps.db
      .insertInto('dharma_auto_rules')
      .values({ keywords: input.keywords, reply: input.reply, enabled: input.enabled ?? true, position: input.position ?? 100 })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { id: r.id, keywords: r.keywords, reply: r.reply, enabled: r.enabled, position: r.position };
  }

  /** Changes a rule (quotes verified again). */
  async updateRule(id: string, input: Partial<RuleInput>): Promise<Rule> {
    if (input.keywords) validateKeywords(input.keywords);
    if (input.reply !== undefined) await this.assertQuotes(input.reply);
    const r = await this.deps.db
      .updateTable('dharma_auto_rules')
      .set({ ...(input.keywords ? { keywords: input.keywords } : {}), ...(input.reply !== undefined ? { reply: input.reply } : {}), ...(input.enabled !== undefined ? { enabled: input.enabled } : {}), ...(input.position !== undefined ? { position: input.position } : {}) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!r) throw new AppError('not_found');
    return { id: r.id, keywords: r.keywords, reply: r.reply, enabled: r.enabled, position: r.position };
  }

  /** Deletes a rule. */
  async deleteRule(id: string): Promise<void> {
    const r = await this.deps.db.deleteFrom('dharma_auto_rules').where('id', '=', id).executeTakeFirst();
    if (!r.numDeletedRows) throw new AppError('not_found');
  }

  /** The compassion pool. */
  async listPool(): Promise<CompassionEntry[]> {
    const rows = await this.deps.db.selectFrom('dharma_compassion').selectAll().orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, text: r.text, enabled: r.enabled }));
  }

  /** Adds a compassion reply after verifying its quotes. */
  async addToPool(text: string): Promise<CompassionEntry> {
    await this.assertQuotes(text);
    const r = await this.deps.db.insertInto('dharma_compassion').values({ text }).returningAll().executeTakeFirstOrThrow();
    return { id: r.id, text: r.text, enabled: r.enabled };
  }

  /** Removes a compassion reply. */
  async removeFromPool(id: string): Promise<void> {
    const r = await this.deps.db.deleteFrom('dharma_compassion').where('id', '=', id).executeTakeFirst();
    if (!r.numDeletedRows) throw new AppError('not_found');
  }
}

function validateKeywords(keywords: string[]): void {
  if (!keywords.length || keywords.some((k) => !normalizeText(k))) throw new AppError('invalid', { field: 'keywords', reason: 'at least one keyword with letters or digits' });
}

/**
 * A chat's agent, master and automatic messages since `since`: what the reply guard looks at. The
 * kinds and roles are written into the statement, not bound, so PostgreSQL can tell that the
 * partial index holding just those rows (migration 006) answers it.
 */
export function recentRepliesQuery(chatId: string, since: Date) {
  return sql<{ kind: string; sender_role: string; created_at: Date }>`
    SELECT kind, sender_role, created_at FROM messages
    WHERE chat_id = ${chatId} AND created_at > ${since}
      AND (kind = 'auto_reply' OR sender_role IN ('agent', 'master'))`;
}
