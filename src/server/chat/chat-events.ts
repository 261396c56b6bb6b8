/**
 * Publishes committed chat changes to every node. Frames are serialized here, once per event,
 * whatever the number of recipients.
 */
import type { ChatDto, MessageDto } from '../../shared/protocol';
import type { Bus } from '../bus/bus';
import { chatAudience, chatChangeAudience } from './audience';
import { memberChatView, memberView } from './presenters';
import type { ChatFacts } from './message-store';

export class ChatEvents {
  constructor(private readonly bus: Bus) {}

  /** A message that has committed. */
  message(message: MessageDto, chat: ChatFacts): void {
    const forMember = memberView(message);
    this.bus.publish({
      type: 'chat.message',
      chatId: message.chatId,
      seq: message.seq,
      audience: chatAudience(chat),
      frame: JSON.stringify({ type: 'message', message }),
      ...(forMember !== message ? { memberFrame: JSON.stringify({ type: 'message', message: forMember }) } : {}),
    });
  }

  /** A chat status change that has committed. */
  chat(chat: ChatDto, opts: { previousAssigneeId?: string | null; queueChanged: boolean }): void {
    const facts: ChatFacts = { memberId: chat.memberId, assigneeId: chat.assigneeId, status: chat.status };
    const forMember = memberChatView(chat);
    this.bus.publish({
      type: 'chat.updated',
      chat,
      audience: chatChangeAudience(facts, opts),
      frame: JSON.stringify({ type: 'chat', chat }),
      ...(forMember !== chat ? { memberFrame: JSON.stringify({ type: 'chat', chat: forMember }) } : {}),
    });
  }

  /** A chat frame for the member alone (queue position moves). */
  chatToMember(chat: ChatDto): void {
    this.bus.publish({ type: 'chat.updated', chat, audience: { userIds: [chat.memberId], roles: [] }, frame: JSON.stringify({ type: 'chat', chat: memberChatView(chat) }) });
  }

  /** A read receipt. */
  read(chat: ChatFacts & { id: string }, userId: string, seq: number): void {
    this.bus.publish({ type: 'chat.signal', chatId: chat.id, audience: chatAudience(chat), frame: JSON.stringify({ type: 'read', chatId: chat.id, userId, seq }) });
  }

  /** Someone is typing (not stored; not sent back to the typist). */
  typing(chat: ChatFacts & { id: string }, userId: string): void {
    this.bus.publish({ type: 'chat.signal', chatId: chat.id, audience: chatAudience(chat, userId), frame: JSON.stringify({ type: 'typing', chatId: chat.id, userId }) });
  }
}
