/**
 * The review list for supervisors: messages the filter flagged and members' misquotes. Written by a
 * reaction after the message committed (checks must not write), one row per message and kind.
 */
import type { Review } from '../../shared/dharma';
import type { MessageDto } from '../../shared/protocol';
import type { Reaction } from '../chat/pipeline-types';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';

const REVIEWED_KINDS = new Set(['content', 'unverified_citation']);

export class Reviews {
  constructor(private readonly db: Db) {}

  /** Records review rows for flagged messages. */
  asReaction(): Reaction {
    return {
      name: 'dharma.reviews',
      afterStored: async (m: MessageDto) => {
        const rows = (m.flags ?? []).filter((f) => REVIEWED_KINDS.has(f.kind));
        if (!rows.length) return;
        await this.db
          .insertInto('dharma_reviews')
          .values(rows.map((f) => ({ message_id: m.id, chat_id: m.chatId, kind: f.kind, detail: JSON.stringify(f.detail ?? {}) })))
          .onConflict((oc) => oc.columns(['message_id', 'kind']).doNothing())
          .execute();
      },
    };
  }

  /** Open (or resolved) review items, newest first, with the message text. */
  async list(status: 'open' | 'resolved', limit: number): Promise<Review[]> {
    let q = this.db
      .selectFrom('dharma_reviews as r')
      .innerJoin('messages as m', 'm.id', 'r.message_id')
      .leftJoin('users as u', 'u.id', 'm.sender_id')
      .select(['r.id', 'r.message_id', 'r.chat_id', 'r.kind', 'r.detail', 'r.created_at', 'r.resolved_at', 'r.resolved_by', 'm.seq', 'm.content', 'm.sender_role', 'u.name as sender_name']);
    q = status === 'open' ? q.where('r.resolved_at', 'is', null) : q.where('r.resolved_at', 'is not', null);
    const rows = await q.orderBy('r.created_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id, messageId: r.message_id, chatId: r.chat_id, seq: r.seq, kind: r.kind, detail: r.detail, text: r.content,
      senderRole: r.sender_role, senderName: r.sender_name ?? null, createdAt: r.created_at.toISOString(), resolvedAt: r.resolved_at ? r.resolved_at.toISOString() : null, resolvedBy: r.resolved_by,
    }));
  }

  /** Marks an item reviewed. */
  async resolve(id: string, userId: string): Promise<void> {
    const r = await this.db.updateTable('dharma_reviews').set({ resolved_at: new Date(), resolved_by: userId }).where('id', '=', id).where('resolved_at', 'is', null).executeTakeFirst();
    if (!r.numUpdatedRows) throw new AppError('not_found');
  }
}
