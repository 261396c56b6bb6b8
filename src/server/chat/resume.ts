/**
 * The `resume` map of a hello: at most LIMITS.maxResumeChats entries (a bigger map is refused
 * with too_large before any work), all looked up in one query, split into the chats the user may
 * see and the ones answered with not_found.
 */
import { LIMITS } from '../../shared/protocol';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import { canSee } from './access';
import type { History } from './history';

/** The resume cursors a connection starts from, and the chat ids it may not resume. */
export interface ResumePlan {
  visible: Array<[chatId: string, seq: number]>;
  notFound: string[];
}

/** The too_large refusal of a resume map with more entries than the contract allows, or null. */
export function resumeTooLarge(resume: Record<string, number> | undefined): AppError | null {
  if (!resume) return null;
  let n = 0;
  for (const _ in resume) if (++n > LIMITS.maxResumeChats) return new AppError('too_large', { field: 'resume', max: LIMITS.maxResumeChats });
  return null;
}

/** Decides, with one query, which resumed chats the user may see. */
export async function planResume(history: History, user: User, resume: Record<string, number>): Promise<ResumePlan> {
  const entries = Object.entries(resume);
  const chats = await history.standing(entries.map(([id]) => id));
  const plan: ResumePlan = { visible: [], notFound: [] };
  for (const [chatId, seq] of entries) {
    const chat = chats.get(chatId);
    if (chat && canSee(user, chat)) plan.visible.push([chatId, seq]);
    else plan.notFound.push(chatId);
  }
  return plan;
}

/** The resumed chats that have messages after the connection's cursor (read after it registered). */
export async function chatsToReplay(history: History, visible: ResumePlan['visible']): Promise<ResumePlan['visible']> {
  if (!visible.length) return [];
  const chats = await history.standing(visible.map(([id]) => id));
  return visible.filter(([chatId, seq]) => (chats.get(chatId)?.lastSeq ?? 0) > seq);
}
