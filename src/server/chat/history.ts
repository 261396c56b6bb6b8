/** Reading stored messages: pages for history and ranges for resume and gap fills, by (chat_id, seq). */
import type { MessageDto } from '../../shared/protocol';
import type { Db } from '../db/database';
import type { ChatAccessFacts } from './access';
import { isUuid } from '../core/ids';
import { presentMessage, type MessageRow } from './presenters';

export class History {
  constructor(private readonly db: Db) {}

  /** Up to `limit` messages before `before` (or the newest), ascending, and whether more exist. */
  async page(chatId: string, before: number | null, limit: number): Promise<{ messages: MessageDto[]; hasMore: boolean }> {
    let q = this.select().where('m.chat_id', '=', chatId);
    if (before !== null) q = q.where('m.seq', '<', before);
    const rows = (await q.orderBy('m.seq', 'desc').limit(limit + 1).execute()) as MessageRow[];
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(presentMessage), hasMore };
  }

  /** Messages with seq in (after, upTo], ascending, at most `max`. */
  async range(chatId: string, after: number, upTo: number | null, max = 1000): Promise<MessageDto[]> {
    let q = this.select().where('m.chat_id', '=', chatId).where('m.seq', '>', after);
    if (upTo !== null) q = q.where('m.seq', '<=', upTo);
    const rows = (await q.orderBy('m.seq', 'asc').limit(max).execute()) as MessageRow[];
    return rows.map(presentMessage);
  }

  /** Where each of these chats stands (access facts and last seq), in one query; unknown ids are absent. */
  async standing(chatIds: readonly string[]): Promise<Map<string, ChatAccessFacts & { lastSeq: number }>> {
    const ids = chatIds.filter(isUuid);
    const found = new Map<string, ChatAccessFacts & { lastSeq: number }>();
    if (!ids.length) return found;
    const rows = await this.db.selectFrom('chats').select(['id', 'member_id', 'customer_service_id', 'status', 'last_seq']).where('id', 'in', ids).execute();
    for (const r of rows) found.set(r.id, { memberId: r.member_id, assigneeId: r.customer_service_id, status: r.status, lastSeq: r.last_seq });
    return found;
  }

  private select() {
    return this.db
      .selectFrom('messages as m')
      .leftJoin('users as u', 'u.id', 'm.sender_id')
      .select(['m.id', 'm.chat_id', 'm.seq', 'm.sender_id', 'm.sender_role', 'm.kind', 'm.content', 'm.attachments', 'm.flags', 'm.sentiment_score', 'm.created_at', 'm.code', 'm.params', 'u.name as sender_name']);
  }
}
