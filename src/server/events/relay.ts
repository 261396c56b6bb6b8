/**
 * What a node committed but never published (it died between the two) still reaches everyone:
 *
 * - `OutboxRelay` (cron role, once per cluster per tick): domain events still unpublished a few
 *   seconds after commit are published again, with the chat as it is now; the once-listeners run
 *   on the relay's node. Listeners are idempotent by event id, so an event published twice (its
 *   node died after publishing, before stamping) does no harm.
 * - `MessageRelay` (every node with sockets): messages are their own outbox, ordered by seq. Each
 *   tick reads the chats whose last seq moved a little while ago (long enough for a live publish
 *   to have arrived) and lets each local connection that follows one fetch what it lacks from the
 *   database. A chat that keeps moving is repaired by its next message (a gap is filled at once);
 *   the relay is for the quiet chat after a lost message.
 */
import { sql } from 'kysely';
import type { ChatDto } from '../../shared/protocol';
import type { ChatFacts } from '../../shared/bus-events';
import { chatAudience } from '../chat/audience';
import type { Connection } from '../chat/connection';
import type { ConnectionRegistry } from '../chat/connection-registry';
import type { Db } from '../db/database';
import type { EventHub } from './hub';
import { unpublishedEvents } from './outbox';

/** How long after its commit an event is taken for lost (its node publishes within milliseconds). */
export const OUTBOX_GRACE_MS = 3000;
/** How long after a chat's last commit its messages must have arrived live. */
export const MESSAGE_GRACE_MS = 1500;

/** Publishes the outbox's orphans (run by the cron role's cluster-wide tick). */
export class OutboxRelay {
  constructor(
    private readonly db: Db,
    private readonly hub: EventHub,
    private readonly chatOf: (chatId: string) => Promise<ChatDto | null>,
  ) {}

  /** One pass; returns how many events it published. */
  async tick(): Promise<number> {
    const orphans = await unpublishedEvents(this.db, OUTBOX_GRACE_MS);
    if (orphans.length) await this.hub.relayed(orphans, this.chatOf);
    return orphans.length;
  }
}

interface MovedChat {
  id: string;
  last_seq: number;
  member_id: string;
  customer_service_id: string | null;
  status: ChatFacts['status'];
}

/** Lets this node's connections fetch stored messages that never reached them live. */
export class MessageRelay {
  /** Database time up to which moved chats have been looked at. */
  private seenUpTo: Date | null = null;

  constructor(
    private readonly db: Db,
    private readonly registry: ConnectionRegistry<Connection>,
  ) {}

  /** One pass; returns how many chats moved in the window it read. */
  async tick(): Promise<number> {
    if (this.registry.size === 0) {
      this.seenUpTo = null;
      return 0;
    }
    const grace = sql`make_interval(secs => ${MESSAGE_GRACE_MS / 1000})`;
    const from = this.seenUpTo ? sql`${this.seenUpTo}::timestamptz` : sql`now() - interval '10 seconds'`;
    // Live chats through their partial index; chats closed in the window through theirs.
    const rows = await sql<MovedChat & { upto: Date }>`
      SELECT id, last_seq, member_id, customer_service_id, status, now() - ${grace} AS upto
      FROM chats
      WHERE ((status <> 'closed') OR (status = 'closed' AND closed_at > ${from}))
        AND updated_at > ${from} AND updated_at <= now() - ${grace}`.execute(this.db);
    const upTo = rows.rows[0]?.upto ?? (await sql<{ upto: Date }>`SELECT now() - ${grace} AS upto`.execute(this.db)).rows[0].upto;
    this.seenUpTo = new Date(upTo);
    for (const chat of rows.rows) {
      const facts: ChatFacts = { memberId: chat.member_id, assigneeId: chat.customer_service_id, status: chat.status };
      for (const conn of this.registry.match(chatAudience(facts))) conn.catchUp(chat.id, chat.last_seq);
    }
    return rows.rows.length;
  }
}
