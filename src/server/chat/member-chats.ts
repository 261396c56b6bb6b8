/**
 * A member's earlier chats, for the staff serving them now (the desk's "previous chats" panel).
 *
 * Access rule (docs/PROTOCOL.md, "Member history"): supervisors and admins may look up any member;
 * an agent or master only a member whose chat they are serving or being offered right now (a
 * pending chat of that member, or an open one they hold). That relationship is what justifies
 * reading the member's past: it ends when the chat closes or moves on. Through it, the closed
 * chats of that member are readable (read-only); live chats keep their own rule (GET /api/chats/:id).
 * Members never use this route: their own id is 403 (they see their chats through /api/chats),
 * anyone else's is 404, like every other id the caller may not see.
 */
import type { MessageDto } from '../../shared/protocol';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';
import type { User, UserDirectory } from '../identity/users';
import { canSee, oversees, serves } from './access';
import { isUuid } from '../core/ids';
import type { History } from './history';

/** One line of a member's chat list. */
export interface MemberChatSummary {
  id: string;
  topic: string | null;
  status: 'pending' | 'open' | 'closed';
  createdAt: string;
  closedAt: string | null;
  assigneeName: string | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export class MemberChats {
  constructor(
    private readonly db: Db,
    private readonly users: UserDirectory,
    private readonly history: History,
  ) {}

  /** Throws not_found or forbidden unless `user` may look at `memberId`'s chats. */
  async assertMayLook(user: User, memberId: string): Promise<void> {
    if (user.role === 'member') throw new AppError(user.id === memberId ? 'forbidden' : 'not_found');
    if (!isUuid(memberId)) throw new AppError('not_found');
    const member = await this.users.byId(memberId);
    if (!member || member.role !== 'member') throw new AppError('not_found');
    if (oversees(user)) return;
    if (!serves(user)) throw new AppError('not_found');
    const serving = await this.db
      .selectFrom('chats')
      .select('id')
      .where('member_id', '=', memberId)
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'open'), eb('customer_service_id', '=', user.id)])]))
      .executeTakeFirst();
    if (!serving) throw new AppError('not_found');
  }

  /** The member's chats, newest first (at most `limit`). */
  async list(user: User, memberId: string, limit = 50): Promise<MemberChatSummary[]> {
    await this.assertMayLook(user, memberId);
    const rows = await this.db
      .selectFrom('chats as c')
      .leftJoin('users as a', 'a.id', 'c.customer_service_id')
      .select(['c.id', 'c.topic', 'c.status', 'c.created_at', 'c.closed_at', 'a.name as assignee_name'])
      .where('c.member_id', '=', memberId)
      .orderBy('c.created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, topic: r.topic, status: r.status, createdAt: iso(r.created_at)!, closedAt: iso(r.closed_at), assigneeName: r.assignee_name ?? null }));
  }

  /**
   * True when `user` may read this closed chat through the member-history rule (staff serving
   * the member now); used for the attachments of earlier chats shown in the side panel.
   */
  async mayReadClosed(user: User, chatId: string): Promise<boolean> {
    if (!isUuid(chatId)) return false;
    const chat = await this.db.selectFrom('chats').select(['member_id', 'status']).where('id', '=', chatId).executeTakeFirst();
    if (!chat || chat.status !== 'closed') return false;
    return this.assertMayLook(user, chat.member_id).then(
      () => true,
      () => false,
    );
  }

  /** A page of one of the member's chats: closed ones through this rule, live ones only if visible anyway. */
  async page(user: User, memberId: string, chatId: string, before: number | null, limit: number): Promise<{ messages: MessageDto[]; hasMore: boolean }> {
    await this.assertMayLook(user, memberId);
    const chat = isUuid(chatId)
      ? await this.db.selectFrom('chats').select(['member_id', 'customer_service_id', 'status']).where('id', '=', chatId).executeTakeFirst()
      : undefined;
    if (!chat || chat.member_id !== memberId) throw new AppError('not_found');
    const facts = { memberId: chat.member_id, assigneeId: chat.customer_service_id, status: chat.status };
    if (chat.status !== 'closed' && !canSee(user, facts)) throw new AppError('not_found');
    return this.history.page(chatId, before, limit);
  }
}
