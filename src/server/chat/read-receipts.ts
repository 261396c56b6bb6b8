/** Read cursors: how far each user has read in a chat, persisted and broadcast. */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { User } from '../identity/users';
import { AppError } from '../core/errors';
import { assertVisible, isParticipant } from './access';
import type { ChatEvents } from './chat-events';
import type { ChatService } from './chat-service';

export class ReadReceipts {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatService,
    private readonly events: ChatEvents,
  ) {}

  /**
   * Records that `user` has read up to `seq` (never moving backwards) and tells the chat. Only its
   * participants (the member, the assignee) read for the chat: a read marks the other side's
   * messages read, so staff who merely see it (the queue, supervisors) get forbidden.
   */
  async markRead(user: User, chatId: string, seq: number): Promise<number> {
    const facts = await this.chats.factsOf(chatId);
    assertVisible(user, facts);
    if (!isParticipant(user, facts)) throw new AppError('forbidden');
    const chat = await this.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirst();
    if (!chat) throw new AppError('not_found');
    const upTo = Math.min(seq, chat.last_seq);
    const row = await sql<{ last_read_seq: number; previous: number | null }>`
      WITH prev AS (SELECT last_read_seq FROM read_cursors WHERE chat_id = ${chatId} AND user_id = ${user.id})
      INSERT INTO read_cursors (chat_id, user_id, last_read_seq, updated_at) VALUES (${chatId}, ${user.id}, ${upTo}, now())
      ON CONFLICT (chat_id, user_id) DO UPDATE SET last_read_seq = GREATEST(read_cursors.last_read_seq, EXCLUDED.last_read_seq), updated_at = now()
      RETURNING last_read_seq, (SELECT last_read_seq FROM prev) AS previous`.execute(this.db);
    const { last_read_seq: now, previous } = row.rows[0];
    if (previous !== null && now <= previous) return now; // nothing new: no write, no broadcast
    // The seed's per-message read state: what others wrote, up to the cursor, is now read.
    await this.db
      .updateTable('messages')
      .set({ is_read: true })
      .where('chat_id', '=', chatId)
      .where('seq', '>', previous ?? 0)
      .where('seq', '<=', now)
      .where((eb) => eb.or([eb('sender_id', '<>', user.id), eb('sender_id', 'is', null)]))
      .execute();
    this.events.read({ id: chatId, ...facts }, user.id, now);
    return now;
  }

  /** Read cursors of every reader of a chat. */
  async cursors(chatId: string): Promise<Array<{ userId: string; seq: number }>> {
    const rows = await this.db.selectFrom('read_cursors').select(['user_id', 'last_read_seq']).where('chat_id', '=', chatId).execute();
    return rows.map((r) => ({ userId: r.user_id, seq: r.last_read_seq }));
  }
}
