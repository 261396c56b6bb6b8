/**
 * Retention: closed chats older than the configured number of days are purged with their
 * messages, read cursors and attachment rows (the foreign keys cascade), and then the attachment
 * files themselves, which no foreign key reaches. Off by default: a shop must decide how long it
 * keeps conversations.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

/** Chats deleted per transaction: keeps locks short on a large backlog. */
const BATCH = 200;

export interface PurgeResult {
  chats: number;
  messages: number;
}

/** Deletes stored files by storage key (the upload store); called only after the rows are gone. */
export type FileRemover = (storageKeys: string[]) => Promise<void>;

export class RetentionService {
  constructor(
    private readonly db: Db,
    private readonly days: number,
    private readonly removeFiles: FileRemover = async () => {},
  ) {}

  /** True when a retention period is configured. */
  get enabled(): boolean {
    return this.days > 0;
  }

  /** Deletes every chat closed before `now - days`; returns what it removed. */
  async purge(now: Date = new Date()): Promise<PurgeResult> {
    const total: PurgeResult = { chats: 0, messages: 0 };
    if (!this.enabled) return total;
    const cut = new Date(now.getTime() - this.days * 86_400_000);
    for (;;) {
      const batch = await this.db.transaction().execute(async (tx) => {
        // FOR UPDATE, not SKIP LOCKED: a chat busy in another transaction (a last reaction to its
        // closing) is waited for, so one run really empties the backlog.
        const ids = (
          await tx
            .selectFrom('chats')
            .select('id')
            .where('status', '=', 'closed')
            .where('closed_at', '<', cut)
            .orderBy('closed_at')
            .limit(BATCH)
            .forUpdate()
            .execute()
        ).map((r) => r.id);
        if (ids.length === 0) return { chats: 0, messages: 0, files: [] as string[] };
        const counted = await tx
          .selectFrom('messages')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('chat_id', 'in', ids)
          .executeTakeFirstOrThrow();
        const attachments = await tx.selectFrom('attachments').select(['storage_key', 'thumbnail_key']).where('chat_id', 'in', ids).execute();
        await tx.deleteFrom('chats').where('id', 'in', ids).execute();
        const files = attachments.flatMap((a) => (a.thumbnail_key ? [a.storage_key, a.thumbnail_key] : [a.storage_key]));
        return { chats: ids.length, messages: counted.n, files };
      });
      // After commit: a file is never missing for a row that still exists. A crash in between
      // leaves orphan files, never a dangling row.
      if (batch.files.length) await this.removeFiles(batch.files);
      total.chats += batch.chats;
      total.messages += batch.messages;
      if (batch.chats < BATCH) return total;
    }
  }
}
