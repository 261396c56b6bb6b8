/**
 * Satisfaction (CSAT, docs/PROTOCOL.md part 2): the chat's member rates a closed chat once, 1-5
 * with an optional comment. The rating and its `chat.rated` event commit in one transaction; the
 * primary key on the chat refuses a second rating (409), however many devices race.
 */
import type { RatingDto } from '../../shared/protocol';
import type { Db } from '../db/database';
import type { EventHub } from '../events/hub';
import { newEvent, recordEvents } from '../events/outbox';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import { assertVisible } from './access';
import type { ChatService } from './chat-service';

export class Ratings {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatService,
    private readonly hub: EventHub,
  ) {}

  /** The member rates their closed chat; staff who see it get forbidden, anyone else not_found. */
  async rate(user: User, chatId: string, score: number, comment: string | null): Promise<RatingDto> {
    const facts = await this.chats.factsOf(chatId);
    assertVisible(user, facts);
    if (facts.memberId !== user.id) throw new AppError('forbidden');
    // The cached facts may be a moment old: the status is read again in the transaction.
    const written = await this.db.transaction().execute(async (trx) => {
      const chat = await trx.selectFrom('chats').select(['status', 'member_id', 'customer_service_id']).where('id', '=', chatId).executeTakeFirstOrThrow();
      if (chat.status !== 'closed') throw new AppError('conflict', { reason: 'chat_not_closed' });
      const row = await trx
        .insertInto('chat_ratings')
        .values({ chat_id: chatId, member_id: user.id, score, comment })
        .onConflict((oc) => oc.column('chat_id').doNothing())
        .returning(['created_at'])
        .executeTakeFirst();
      if (!row) throw new AppError('conflict', { reason: 'already_rated' });
      const events = await recordEvents(trx, [newEvent('chat.rated', { chatId, memberId: chat.member_id, assigneeId: chat.customer_service_id, score })]);
      return { events, rating: { score, comment, createdAt: new Date(row.created_at).toISOString() } };
    });
    void this.hub.committed(written.events, null);
    return written.rating;
  }

  /** The chat's rating, or null (its member and staff who may see the chat). */
  async of(user: User, chatId: string): Promise<RatingDto | null> {
    assertVisible(user, await this.chats.factsOf(chatId));
    const row = await this.db.selectFrom('chat_ratings').select(['score', 'comment', 'created_at']).where('chat_id', '=', chatId).executeTakeFirst();
    return row ? { score: row.score, comment: row.comment, createdAt: new Date(row.created_at).toISOString() } : null;
  }
}
