/**
 * What supervisors set on the desk: each queue's assignment mode, keywords and required skill, and
 * each person's capacity, skills, languages (staff) or tier (members). The routes call this; the
 * desk re-runs assignment after a change that may let a waiting chat be served.
 */
import type { AssignmentMode } from '../../shared/desk';
import { AppError } from '../core/errors';
import type { Db } from '../db/database';

/** A queue as the desk API presents it. */
export interface QueueSettingsDto {
  id: string;
  name: string;
  keywords: string[];
  skill: string | null;
  servingRole: string | null;
  assignmentMode: string;
}

/** A change to a queue. */
export interface QueueChange {
  assignmentMode?: AssignmentMode;
  keywords?: string[];
  skill?: string | null;
}

/** A change to a person's desk settings. */
export interface PersonChange {
  maxConcurrent?: number;
  skills?: string[];
  languages?: string[];
  tier?: string;
}

export class DeskSettings {
  constructor(
    private readonly db: Db,
    private readonly requestAssignment: (reason: string) => Promise<void>,
  ) {}

  /** The queues in their routing order. */
  async queues(): Promise<QueueSettingsDto[]> {
    const rows = await this.db.selectFrom('desk_queues').select(['id', 'name', 'keywords', 'skill', 'serving_role', 'assignment_mode']).orderBy('position').execute();
    return rows.map((q) => ({ id: q.id, name: q.name, keywords: q.keywords, skill: q.skill, servingRole: q.serving_role, assignmentMode: q.assignment_mode }));
  }

  /** Changes a queue; not_found when there is none by that id. */
  async changeQueue(id: string, change: QueueChange): Promise<void> {
    const { assignmentMode, keywords, skill } = change;
    const r = await this.db
      .updateTable('desk_queues')
      .set({ ...(assignmentMode ? { assignment_mode: assignmentMode } : {}), ...(keywords ? { keywords } : {}), ...(skill !== undefined ? { skill } : {}) })
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r.numUpdatedRows) throw new AppError('not_found');
    if (assignmentMode && assignmentMode !== 'off') void this.requestAssignment('queue mode');
  }

  /** Changes a person's capacity, skills, languages or tier; not_found when there is none by that id. */
  async changePerson(id: string, change: PersonChange): Promise<void> {
    const r = await this.db
      .updateTable('users')
      .set({
        ...(change.maxConcurrent !== undefined ? { max_concurrent: change.maxConcurrent } : {}),
        ...(change.skills ? { skills: change.skills } : {}),
        ...(change.languages ? { languages: change.languages } : {}),
        ...(change.tier ? { tier: change.tier } : {}),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r.numUpdatedRows) throw new AppError('not_found');
    void this.requestAssignment('capacity');
  }
}
