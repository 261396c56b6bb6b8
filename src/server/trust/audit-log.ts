/**
 * The hash-chained audit log (docs/PROTOCOL.md part 2, "Audit log"). Each entry's `hash` is the
 * hex SHA-256 of `prevHash + "\n" + ` its canonical JSON without `hash`; the first `prevHash` is 64
 * zeros. Appends hold an advisory lock for their transaction, so entries get consecutive `seq`s
 * and each chains to the one before whichever node appends. An append names a key (a domain
 * event's id, or one the caller derives); a second append with the same key returns the first
 * entry, so at-least-once listeners append once.
 */
import type { AuditEntryDto } from '../../shared/trust';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { Database } from '../db/schema';
import { canonicalJson, sha256Hex } from './canonical';
import { TRUST_LOCK_CLASS } from './tlog';

/** The second key of the audit log's advisory lock (the first is the trust domain's). */
const AUDIT_LOCK = 1;
export const GENESIS_HASH = '0'.repeat(64);

/** An audit entry as the contract shows it (the wire shape, declared once). */
export type AuditEntry = AuditEntryDto;

/** What a caller appends. */
export interface AuditInput {
  /** Idempotency key: the same key appends once. */
  key: string;
  at?: Date;
  actorId: string | null;
  actorRole: string;
  action: string;
  /** What the action was on, as `kind:id` (e.g. `chat:<uuid>`). */
  target: string | null;
  details?: Record<string, unknown>;
}

/** Filters of the list and the export. */
export interface AuditFilter {
  after?: number;
  limit?: number;
  actorId?: string;
  action?: string;
  chatId?: string;
  from?: Date;
  to?: Date;
}

/** The result of recomputing the chain. */
export interface ChainCheck {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string };
  /** The first entry that does not verify, and why. */
  broken?: { seq: number; reason: 'seq_gap' | 'prev_hash' | 'hash' };
}

/** The target string of a chat. */
export const chatTarget = (chatId: string): string => `chat:${chatId}`;

/** The hash of an entry (everything but `hash`) chained to its `prevHash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actorId, actorRole, action, target, details, prevHash } = entry;
  return sha256Hex(`${prevHash}\n${canonicalJson({ seq, at, actorId, actorRole, action, target, details, prevHash })}`);
}

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends one entry (or returns the one already appended under the same key). */
  async append(input: AuditInput): Promise<AuditEntry> {
    return this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${TRUST_LOCK_CLASS}::int, ${AUDIT_LOCK}::int)`.execute(trx);
      const existing = await trx.selectFrom('audit_entries').selectAll().where('key', '=', input.key).executeTakeFirst();
      if (existing) return present(existing);
      const last = await trx.selectFrom('audit_entries').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const body = {
        seq: last ? Number(last.seq) + 1 : 1,
        at: (input.at ?? this.now()).toISOString(),
        actorId: input.actorId,
        actorRole: input.actorRole,
        action: input.action,
        target: input.target,
        details: input.details ?? {},
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const entry: AuditEntry = { ...body, hash: entryHash(body) };
      await trx
        .insertInto('audit_entries')
        .values({
          seq: entry.seq, key: input.key, at: entry.at, actor_id: entry.actorId, actor_role: entry.actorRole, action: entry.action,
          target: entry.target, details: JSON.stringify(entry.details), prev_hash: entry.prevHash, hash: entry.hash,
        })
        .execute();
      return entry;
    });
  }

  /** True when an entry with this key exists (cheap dedupe before taking the lock). */
  async has(key: string): Promise<boolean> {
    return Boolean(await this.db.selectFrom('audit_entries').select('seq').where('key', '=', key).executeTakeFirst());
  }

  /** Entries matching the filter, ascending by seq. */
  async list(f: AuditFilter): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_entries').selectAll().where('seq', '>', f.after ?? 0);
    if (f.actorId) q = q.where('actor_id', '=', f.actorId);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.chatId) q = q.where('target', '=', chatTarget(f.chatId));
    if (f.from) q = q.where('at', '>=', f.from);
    if (f.to) q = q.where('at', '<', f.to);
    const rows = await q.orderBy('seq').limit(f.limit ?? 100).execute();
    return rows.map(present);
  }

  /** The newest entry's seq and hash (seq 0 and 64 zeros while empty). */
  async head(): Promise<{ seq: number; hash: string }> {
    const last = await this.db.selectFrom('audit_entries').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Recomputes the whole chain from the stored entries, a page at a time. */
  async verify(pageSize = 1000): Promise<ChainCheck> {
    let expectSeq = 1;
    let prev = GENESIS_HASH;
    for (;;) {
      const rows = await this.db.selectFrom('audit_entries').selectAll().where('seq', '>=', expectSeq).orderBy('seq').limit(pageSize).execute();
      for (const row of rows) {
        const e = present(row);
        const head = { seq: expectSeq - 1, hash: prev };
        if (e.seq !== expectSeq) return { ok: false, checked: expectSeq - 1, head, broken: { seq: expectSeq, reason: 'seq_gap' } };
        if (e.prevHash !== prev) return { ok: false, checked: expectSeq - 1, head, broken: { seq: e.seq, reason: 'prev_hash' } };
        const { hash, ...body } = e;
        if (entryHash(body) !== hash) return { ok: false, checked: expectSeq - 1, head, broken: { seq: e.seq, reason: 'hash' } };
        prev = hash;
        expectSeq++;
      }
      if (rows.length < pageSize) return { ok: true, checked: expectSeq - 1, head: { seq: expectSeq - 1, hash: prev } };
    }
  }
}

function present(r: Selectable<Database['audit_entries']>): AuditEntry {
  return {
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    target: r.target,
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

const CSV_HEAD = ['seq', 'at', 'actor_id', 'actor_role', 'action', 'target', 'details', 'prev_hash', 'hash'];

/**
 * One CSV cell: a value a spreadsheet would run as a formula (leading = + - @, tab or CR) gets a
 * leading apostrophe; quotes, commas and line breaks are quoted.
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Entries as CSV (UTF-8 with BOM so spreadsheet programs read Chinese names). */
export function auditToCsv(entries: AuditEntry[]): string {
  const rows = entries.map((e) => [e.seq, e.at, e.actorId, e.actorRole, e.action, e.target, canonicalJson(e.details), e.prevHash, e.hash].map(csvCell).join(','));
  return '\uFEFF' + [CSV_HEAD.join(','), ...rows].join('\r\n') + '\r\n';
}
