/**
 * Decides who receives each chat event, in one place (as Chatwoot's ActionCableListener does).
 * Gateways only match an audience against their local connections.
 */
import type { Audience } from '../../shared/bus-events';
import type { ChatFacts } from './message-store';

const OVERSEERS = ['supervisor', 'admin'] as const;

/** Messages, read receipts and typing: the member, the assignee and everyone overseeing. */
export function chatAudience(chat: ChatFacts, exceptUserId?: string): Audience {
  const userIds = chat.assigneeId ? [chat.memberId, chat.assigneeId] : [chat.memberId];
  return { userIds, roles: [...OVERSEERS], ...(exceptUserId ? { exceptUserId } : {}) };
}

/**
 * Chat status changes: also the previous assignee (who loses the chat) and, while the chat is or
 * just was in the queue, every agent and master (their queue view changes).
 */
export function chatChangeAudience(chat: ChatFacts, opts: { previousAssigneeId?: string | null; queueChanged: boolean }): Audience {
  const ids = new Set([chat.memberId]);
  if (chat.assigneeId) ids.add(chat.assigneeId);
  if (opts.previousAssigneeId) ids.add(opts.previousAssigneeId);
  const roles: Audience['roles'] = [...OVERSEERS];
  if (opts.queueChanged) roles.push('agent', 'master');
  return { userIds: [...ids], roles };
}
