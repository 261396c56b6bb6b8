/**
 * Canned replies (常用回覆): personal ones (the owner's) and team ones (owner null, written by
 * supervisors), each with a shortcut. Their sutra quotes are verified when saved, so a misquote
 * never enters the library (422 unverified_citation with the authentic passage). Search folds
 * both scripts, so 回向 finds 迴向 and 回复 finds 回覆; `{member}` and `{agent}` are filled in
 * when a reply is used, which also counts the use.
 */
import { sql } from 'kysely';
import type { CannedReplyDto } from '../../shared/duty';
import { canSee, oversees, serves } from '../chat/access';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import { foldText } from '../lib/chinese-script';

export interface CannedInput {
  shortcut: string;
  title: string;
  text: string;
}

/** The most replies one person (or the team) keeps: a picker, not a knowledge base. */
const MAX_PER_OWNER = 500;

export class CannedReplies {
  constructor(
    private readonly db: Db,
    /** Throws `unverified_citation` when a quote is not in the sutra it names. */
    private readonly verifyQuotes: (text: string) => Promise<void>,
  ) {}

  /** The caller's personal replies and the team's, matching `q` (shortcut, title or text; either script). */
  async list(user: User, q?: string): Promise<CannedReplyDto[]> {
    requireStaff(user);
    const rows = await this.db
      .selectFrom('canned_replies')
      .select(['id', 'owner_id', 'shortcut', 'title', 'text', 'usage_count', 'updated_at'])
      .where((eb) => eb.or([eb('owner_id', '=', user.id), eb('owner_id', 'is', null)]))
      .execute();
    const needle = foldText((q ?? '').trim().replace(/^\//, ''));
    const scored = rows
      .map((r) => {
        const shortcut = foldText(r.shortcut);
        const rank = !needle ? 1 : shortcut.startsWith(needle) ? 0 : shortcut.includes(needle) || foldText(r.title).includes(needle) ? 1 : foldText(r.text).includes(needle) ? 2 : -1;
        return { r, rank };
      })
      .filter((x) => x.rank >= 0);
    scored.sort((a, b) => a.rank - b.rank || b.r.usage_count - a.r.usage_count || a.r.shortcut.localeCompare(b.r.shortcut));
    return scored.map((x) => dto(x.r));
  }

  /** Saves a new reply: personal, or a team reply (supervisors). */
  async create(user: User, input: CannedInput, scope: 'personal' | 'team' = 'personal'): Promise<CannedReplyDto> {
    requireStaff(user);
    if (scope === 'team' && !oversees(user)) throw new AppError('forbidden');
    const v = valid(input);
    await this.verifyQuotes(v.text);
    const ownerId = scope === 'team' ? null : user.id;
    const count = await this.db.selectFrom('canned_replies').select((eb) => eb.fn.countAll<number>().as('n')).where('owner_id', ownerId === null ? 'is' : '=', ownerId).executeTakeFirst();
    if (Number(count?.n ?? 0) >= MAX_PER_OWNER) throw new AppError('invalid', { reason: `at most ${MAX_PER_OWNER} replies` });
    await this.assertShortcutFree(ownerId, v.shortcut, null);
    const row = await this.db
      .insertInto('canned_replies')
      .values({ owner_id: ownerId, shortcut: v.shortcut, title: v.title, text: v.text, created_by: user.id, updated_at: new Date() })
      .returning(['id', 'owner_id', 'shortcut', 'title', 'text', 'usage_count', 'updated_at'])
      .executeTakeFirstOrThrow();
    return dto(row);
  }

  /** Changes a reply the caller may edit (their own, or a team one as a supervisor). */
  async update(user: User, id: string, patch: Partial<CannedInput>): Promise<CannedReplyDto> {
    const current = await this.editable(user, id);
    const v = valid({ shortcut: patch.shortcut ?? current.shortcut, title: patch.title ?? current.title, text: patch.text ?? current.text });
    if (patch.text !== undefined) await this.verifyQuotes(v.text);
    if (v.shortcut.toLowerCase() !== current.shortcut.toLowerCase()) await this.assertShortcutFree(current.owner_id, v.shortcut, id);
    const row = await this.db
      .updateTable('canned_replies')
      .set({ shortcut: v.shortcut, title: v.title, text: v.text, updated_at: new Date() })
      .where('id', '=', id)
      .returning(['id', 'owner_id', 'shortcut', 'title', 'text', 'usage_count', 'updated_at'])
      .executeTakeFirstOrThrow();
    return dto(row);
  }

  /** Removes a reply the caller may edit. */
  async remove(user: User, id: string): Promise<void> {
    await this.editable(user, id);
    await this.db.deleteFrom('canned_replies').where('id', '=', id).execute();
  }

  /**
   * The reply's text for a chat, `{member}` and `{agent}` filled in, and one more use counted.
   * Without a chat, `{member}` stays for the agent to fill.
   */
  async use(user: User, id: string, chatId?: string): Promise<{ text: string; reply: CannedReplyDto }> {
    requireStaff(user);
    const row = await this.db.selectFrom('canned_replies').select(['id', 'owner_id']).where('id', '=', id).executeTakeFirst();
    if (!row || (row.owner_id !== null && row.owner_id !== user.id)) throw new AppError('not_found');
    let memberName: string | null = null;
    if (chatId !== undefined) {
      const chat = await this.db
        .selectFrom('chats as c')
        .innerJoin('users as m', 'm.id', 'c.member_id')
        .select(['c.member_id', 'c.customer_service_id', 'c.status', 'm.name'])
        .where('c.id', '=', chatId)
        .executeTakeFirst();
      if (!chat || !canSee(user, { memberId: chat.member_id, assigneeId: chat.customer_service_id, status: chat.status })) throw new AppError('not_found');
      memberName = chat.name;
    }
    const used = await this.db
      .updateTable('canned_replies')
      .set({ usage_count: sql<number>`usage_count + 1` })
      .where('id', '=', id)
      .returning(['id', 'owner_id', 'shortcut', 'title', 'text', 'usage_count', 'updated_at'])
      .executeTakeFirstOrThrow();
    return { text: fill(used.text, { member: memberName, agent: user.name }), reply: dto(used) };
  }

  private async editable(user: User, id: string) {
    requireStaff(user);
    const row = await this.db.selectFrom('canned_replies').select(['id', 'owner_id', 'shortcut', 'title', 'text']).where('id', '=', id).executeTakeFirst();
    // Someone else's personal reply stays invisible; a team reply is visible but only supervisors edit it.
    if (!row || (row.owner_id !== null && row.owner_id !== user.id)) throw new AppError('not_found');
    if (row.owner_id === null && !oversees(user)) throw new AppError('forbidden');
    return row;
  }

  private async assertShortcutFree(ownerId: string | null, shortcut: string, exceptId: string | null): Promise<void> {
    let q = this.db.selectFrom('canned_replies').select('id').where('owner_id', ownerId === null ? 'is' : '=', ownerId).where(sql<boolean>`lower(shortcut) = lower(${shortcut})`);
    if (exceptId) q = q.where('id', '<>', exceptId);
    const taken = await q.executeTakeFirst();
    if (taken) throw new AppError('conflict', { field: 'shortcut', reason: 'taken', id: taken.id });
  }
}

/** Fills `{member}` and `{agent}`; a name not known is left as the placeholder. */
export function fill(text: string, names: { member: string | null; agent: string | null }): string {
  return text.replace(/\{(member|agent)\}/g, (whole, key: 'member' | 'agent') => names[key] ?? whole);
}

function requireStaff(user: User): void {
  if (!oversees(user) && !serves(user)) throw new AppError('forbidden');
}

function valid(input: CannedInput): CannedInput {
  const shortcut = typeof input.shortcut === 'string' ? input.shortcut.trim().replace(/^\//, '') : '';
  if (!/^[\p{L}\p{N}_-]{1,32}$/u.test(shortcut)) throw new AppError('invalid', { field: 'shortcut', reason: '1-32 letters, digits, _ or -' });
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (!title || title.length > 100) throw new AppError('invalid', { field: 'title', reason: '1-100 characters' });
  const text = typeof input.text === 'string' ? input.text.trim() : '';
  if (!text || text.length > 4000) throw new AppError('invalid', { field: 'text', reason: '1-4000 characters' });
  return { shortcut, title, text };
}

function dto(r: { id: string; owner_id: string | null; shortcut: string; title: string; text: string; usage_count: number; updated_at: Date | string }): CannedReplyDto {
  return { id: r.id, ownerId: r.owner_id, scope: r.owner_id === null ? 'team' : 'personal', shortcut: r.shortcut, title: r.title, text: r.text, usageCount: r.usage_count, updatedAt: new Date(r.updated_at).toISOString() };
}
