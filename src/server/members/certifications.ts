/**
 * 三寶 (refuge in the Three Jewels) certification: a member applies with the refuge's date,
 * temple and master, an optional Dharma name and photos of the certificate (uploads, bound to the
 * application so the unsent sweep keeps them and reviewers may open them); masters and admins
 * decide. At most one application waits per member; a certified member does not apply again.
 * Approval records `member.certified` in the decision's transaction; the member hears of either
 * decision in the chat window (a `certification` frame).
 */
import type { CertificationFrame } from '../../shared/frames';
import type { Certification } from '../../shared/members';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import type { EventHub } from '../events/hub';
import { newEvent, recordEvents } from '../events/outbox';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import { isUuid } from '../core/ids';

/** Roles that review applications. */
export const REVIEWER_ROLES: readonly string[] = ['master', 'admin'];

/** True for masters and admins. */
export const reviews = (user: User): boolean => REVIEWER_ROLES.includes(user.role);

export interface CertificationInput {
  refugeDate: string;
  refugeTemple: string;
  master: string;
  dharmaName?: string | null;
  note?: string | null;
  attachments: string[];
}

/** Certificate photos: images or a scanned PDF. */
const CERTIFICATE_MIME = /^(image\/|application\/pdf$)/;

type Row = {
  id: string; member_id: string; status: 'pending' | 'approved' | 'rejected'; refuge_date: string; refuge_temple: string; master: string;
  dharma_name: string | null; note: string | null; attachments: string[]; reason: string | null; decided_by: string | null;
  decided_at: Date | null; created_at: Date; member_name?: string;
};

function present(r: Row): Certification {
  return {
    id: r.id,
    memberId: r.member_id,
    ...(r.member_name !== undefined ? { memberName: r.member_name } : {}),
    status: r.status,
    refugeDate: r.refuge_date,
    refugeTemple: r.refuge_temple,
    master: r.master,
    dharmaName: r.dharma_name,
    note: r.note,
    attachments: r.attachments,
    reason: r.reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** A calendar date YYYY-MM-DD that exists, not before 1900 and not after `today`. */
export function validRefugeDate(s: string, today: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '1900-01-01' && s <= today;
}

export class Certifications {
  constructor(private readonly deps: { db: Db; hub: EventHub; clock: Clock; timezone: string }) {}

  /** A member's application; throws conflict if one waits or the member is certified. */
  async apply(member: User, input: CertificationInput): Promise<Certification> {
    if (member.role !== 'member') throw new AppError('forbidden');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: this.deps.timezone }).format(this.deps.clock.now());
    if (!validRefugeDate(input.refugeDate, today)) throw new AppError('invalid', { field: 'refugeDate', reason: 'date' });
    const text = (field: string, v: string | null | undefined, max: number, required: boolean): string | null => {
      const t = (v ?? '').trim();
      if (required && !t) throw new AppError('invalid', { field, reason: 'blank' });
      if (t.length > max) throw new AppError('invalid', { field, reason: 'too_long', max });
      return t || null;
    };
    const values = {
      member_id: member.id,
      refuge_date: input.refugeDate,
      refuge_temple: text('refugeTemple', input.refugeTemple, 100, true)!,
      master: text('master', input.master, 60, true)!,
      dharma_name: text('dharmaName', input.dharmaName, 30, false),
      note: text('note', input.note, 500, false),
      attachments: [...new Set(input.attachments)],
      created_at: this.deps.clock.now(),
    };
    if (!values.attachments.every(isUuid)) throw new AppError('invalid', { field: 'attachments', reason: 'unknown_upload' });
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const standing = await trx.selectFrom('member_certifications').select('status').where('member_id', '=', member.id).where('status', 'in', ['pending', 'approved']).executeTakeFirst();
      if (standing) throw new AppError('conflict', { reason: standing.status === 'pending' ? 'pending' : 'certified' });
      const inserted = await trx
        .insertInto('member_certifications')
        .values(values)
        .onConflict((oc) => oc.column('member_id').where('status', '=', 'pending').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) throw new AppError('conflict', { reason: 'pending' });
      // The photos must be the member's own stored uploads, not yet sent or bound elsewhere.
      const bound = await trx
        .updateTable('attachments')
        .set({ certification_id: inserted.id })
        .where('id', 'in', values.attachments)
        .where('owner_id', '=', member.id)
        .where('stored', '=', true)
        .where('chat_id', 'is', null)
        .where('certification_id', 'is', null)
        .where('mime', '~', CERTIFICATE_MIME.source)
        .returning('id')
        .execute();
      if (bound.length !== values.attachments.length) throw new AppError('invalid', { field: 'attachments', reason: 'unknown_upload' });
      return inserted;
    });
    return present(row as Row);
  }

  /** The member's applications, newest first. */
  async mine(member: User): Promise<Certification[]> {
    const rows = await this.deps.db.selectFrom('member_certifications').selectAll().where('member_id', '=', member.id).orderBy('created_at', 'desc').execute();
    return rows.map((r) => present(r as Row));
  }

  /** Applications by status for reviewers, oldest first (the queue). */
  async list(user: User, status: Certification['status'] | undefined, limit: number): Promise<Certification[]> {
    if (!reviews(user)) throw new AppError('forbidden');
    let q = this.deps.db
      .selectFrom('member_certifications as c')
      .innerJoin('users as u', 'u.id', 'c.member_id')
      .selectAll('c')
      .select('u.name as member_name');
    if (status) q = q.where('c.status', '=', status);
    const rows = await q.orderBy('c.created_at', status === 'pending' ? 'asc' : 'desc').limit(limit).execute();
    return rows.map((r) => present(r as Row));
  }

  /**
   * Approves or rejects a waiting application (a rejection needs a reason). The first decision
   * wins: a second one finds it decided (`conflict`).
   */
  async decide(user: User, id: string, approve: boolean, reason: string | null): Promise<Certification> {
    if (!reviews(user)) throw new AppError('forbidden');
    if (!isUuid(id)) throw new AppError('not_found');
    const why = reason?.trim() || null;
    if (!approve && !why) throw new AppError('invalid', { field: 'reason', reason: 'required_for_rejection' });
    const { row, events } = await this.deps.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('member_certifications')
        .set({ status: approve ? 'approved' : 'rejected', reason: why, decided_by: user.id, decided_at: this.deps.clock.now() })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      if (!row) {
        const exists = await trx.selectFrom('member_certifications').select('id').where('id', '=', id).executeTakeFirst();
        throw new AppError(exists ? 'conflict' : 'not_found', exists ? { reason: 'decided' } : undefined);
      }
      const events = approve ? await recordEvents(trx, [newEvent('member.certified', { memberId: row.member_id, certificationId: row.id, decidedBy: user.id })]) : [];
      return { row, events };
    });
    const certification = present(row as Row);
    await this.deps.hub.committed(events, null);
    const frame: CertificationFrame = { type: 'certification', certification };
    this.deps.hub.signal({ userIds: [row.member_id], roles: [] }, frame);
    return certification;
  }

  /** Whether the member holds an approved certification. */
  async isCertified(memberId: string): Promise<boolean> {
    const r = await this.deps.db.selectFrom('member_certifications').select('id').where('member_id', '=', memberId).where('status', '=', 'approved').executeTakeFirst();
    return Boolean(r);
  }

  /** Reviewers may open the photos of any application; the member their own (as uploader). */
  async photoReadable(user: User, certificationId: string): Promise<boolean> {
    if (reviews(user)) return true;
    const r = await this.deps.db.selectFrom('member_certifications').select('member_id').where('id', '=', certificationId).executeTakeFirst();
    return r?.member_id === user.id;
  }
}
