/**
 * Message search for staff (docs/PROTOCOL.md part 2, "Search"): a query in either script finds
 * text in the other, newest first, only in chats the caller may see now (access.ts's rule, as SQL).
 *
 * The index (`message_search`) is written after commit by a once-listener, batched, so the group
 * commit stays as it is; a sweep indexes what a node committed but never indexed (it died in
 * between). Candidates come from the GIN index (all of the query's tokens), then each is checked
 * against its folded text, which also gives the snippet.
 */
import { sql } from 'kysely';
import type { ChatFacts } from '../../shared/bus-events';
import type { MessageDto, SearchResultDto } from '../../shared/protocol';
import { oversees, serves } from '../chat/access';
import type { Db } from '../db/database';
import type { Listener } from '../events/hub';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import { SerialBatcher } from '../lib/serial-batcher';
import { foldForSearch, indexTokens, queryTokens, snippetOf } from './tokens';

interface ToIndex {
  id: string;
  chatId: string;
  createdAt: string;
  text: string;
}

/** Candidates read per round; a round whose candidates all fail the check reads the next. */
const ROUND = 200;
/** Candidates checked at most per query (a query of very common pairs stops here). */
const MAX_CANDIDATES = 2000;

export class MessageSearch {
  /**
   * Index rows are derived data, written in batches a quarter second apart: a few statements a
   * second whatever the message rate, off the members' path.
   */
  private readonly writer = new SerialBatcher<ToIndex, void>((rows) => this.write(rows), { maxBatch: 2000, spacingMs: 250 });

  constructor(
    private readonly db: Db,
    private readonly log: { warn(o: unknown, m?: string): void },
  ) {}

  /** Indexes people's messages once they are stored (once per message in the cluster). */
  readonly listener: Listener = {
    name: 'search.index',
    scope: 'once',
    onMessage: (message: MessageDto, _chat: ChatFacts) => {
      if (message.kind !== 'text' || !message.text) return;
      void this.writer
        .add({ id: message.id, chatId: message.chatId, createdAt: message.createdAt, text: message.text })
        .catch((err) => this.log.warn({ err, messageId: message.id }, 'search indexing failed (the sweep retries)'));
    },
  };

  /**
   * Indexes people's messages of recently active chats that have no index row (their node died
   * between commit and indexing, or a write failed). Reads only chats changed in `withinMs`.
   */
  async sweep(withinMs = 15 * 60_000): Promise<number> {
    const since = new Date(Date.now() - withinMs).toISOString();
    const missing = await sql<{ id: string; chat_id: string; created_at: Date; content: string }>`
      SELECT m.id, m.chat_id, m.created_at, m.content
      FROM chats c JOIN messages m ON m.chat_id = c.id
      WHERE c.updated_at >= ${since}::timestamptz AND m.created_at >= ${since}::timestamptz AND m.kind = 'text'
        AND NOT EXISTS (SELECT 1 FROM message_search s WHERE s.message_id = m.id)
      LIMIT 5000`.execute(this.db);
    if (missing.rows.length) await this.write(missing.rows.map((r) => ({ id: r.id, chatId: r.chat_id, createdAt: new Date(r.created_at).toISOString(), text: r.content })));
    return missing.rows.length;
  }

  /** The newest messages matching `q` in chats the user may see. */
  async search(user: User, q: string, limit: number): Promise<SearchResultDto[]> {
    if (!oversees(user) && !serves(user)) throw new AppError('forbidden');
    const folded = foldForSearch(q).text;
    const tokens = queryTokens(folded);
    if (!tokens.length) throw new AppError('invalid', { field: 'q', reason: 'nothing searchable (letters or digits, two or more unless Chinese)' });
    const results: SearchResultDto[] = [];
    for (let offset = 0; results.length < limit && offset < MAX_CANDIDATES; offset += ROUND) {
      let query = this.db
        .selectFrom('message_search as s')
        .innerJoin('messages as m', 'm.id', 's.message_id')
        .innerJoin('chats as c', 'c.id', 's.chat_id')
        .select(['s.message_id', 's.chat_id', 's.created_at', 'm.seq', 'm.content'])
        .where(sql<boolean>`s.tokens @> ${sql.val(tokens)}::text[]`);
      // Who may see which chat (chat/access.ts canSee): overseers all; agents and masters the queue and theirs.
      if (!oversees(user)) query = query.where((eb) => eb.or([eb('c.status', '=', 'pending'), eb('c.customer_service_id', '=', user.id)]));
      const rows = await query.orderBy('s.created_at', 'desc').orderBy('s.message_id', 'desc').limit(ROUND).offset(offset).execute();
      for (const r of rows) {
        const snippet = snippetOf(r.content, folded);
        if (snippet === null) continue;
        results.push({ chatId: r.chat_id, messageId: r.message_id, seq: r.seq, snippet, createdAt: new Date(r.created_at).toISOString() });
        if (results.length === limit) break;
      }
      if (rows.length < ROUND) break;
    }
    return results;
  }

  private async write(rows: ToIndex[]): Promise<void[]> {
    if (rows.length) {
      // The commit need not wait for the disk: a row lost in a crash is written again by the sweep.
      await this.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL synchronous_commit = off`.execute(trx);
        await trx
          .insertInto('message_search')
          .values(rows.map((r) => ({ message_id: r.id, chat_id: r.chatId, created_at: r.createdAt, tokens: indexTokens(r.text) })))
          .onConflict((oc) => oc.column('message_id').doNothing())
          .execute();
      });
    }
    return rows.map(() => undefined);
  }
}
