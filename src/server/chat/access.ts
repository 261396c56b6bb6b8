/**
 * Who may see and do what with a chat, in one place. A caller who may not see a chat gets
 * not_found (never a hint it exists); one who may see it but not act gets forbidden.
 */
import { OVERSEEING_ROLES, SERVING_ROLES } from '../../shared/protocol';
import type { User } from '../identity/users';
import { AppError } from '../core/errors';

/** The fields of a chat that access decisions need. */
export interface ChatAccessFacts {
  memberId: string;
  assigneeId: string | null;
  status: 'pending' | 'open' | 'closed';
}

/** True for supervisors and admins. */
export const oversees = (user: User): boolean => OVERSEEING_ROLES.includes(user.role);
/** True for agents and masters. */
export const serves = (user: User): boolean => SERVING_ROLES.includes(user.role);

/** Members see their own chats; agents and masters the queue and what they hold; overseers all. */
export function canSee(user: User, chat: ChatAccessFacts): boolean {
  if (oversees(user)) return true;
  if (user.role === 'member') return chat.memberId === user.id;
  if (serves(user)) return chat.status === 'pending' || chat.assigneeId === user.id;
  return false;
}

/** The people who write in a chat: its member and its assignee. */
export function isParticipant(user: User, chat: ChatAccessFacts): boolean {
  return chat.memberId === user.id || (chat.assigneeId !== null && chat.assigneeId === user.id);
}

/** Throws not_found unless the user may see the chat. */
export function assertVisible(user: User, chat: ChatAccessFacts | null | undefined): asserts chat is ChatAccessFacts {
  if (!chat || !canSee(user, chat)) throw new AppError('not_found');
}

/** Throws the right refusal unless the user may write a message into the chat. */
export function assertCanWrite(user: User, chat: ChatAccessFacts | null | undefined): asserts chat is ChatAccessFacts {
  assertVisible(user, chat);
  if (!isParticipant(user, chat)) throw new AppError('forbidden');
  if (chat.status === 'closed') throw new AppError('chat_closed');
}
