/**
 * Publishes committed chat traffic that is not a lifecycle change: messages (through the hub, so
 * the once-listeners react), read receipts, typing and queue positions. Audiences are decided
 * here or in delivery.ts, from audience.ts.
 */
import type { ChatDto, MessageDto } from '../../shared/protocol';
import type { ChatFacts } from '../../shared/bus-events';
import type { EventHub } from '../events/hub';
import { chatAudience } from './audience';
import type { ReactionContext } from './pipeline-types';

export class ChatEvents {
  constructor(private readonly hub: EventHub) {}

  /** A message that has committed (delivered everywhere; reactions run once, here). */
  message(message: MessageDto, chat: ChatFacts, ctx: ReactionContext): void {
    this.hub.messageStored(message, chat, ctx);
  }

  /** A waiting member's queue position and wait estimate (to the member alone). */
  chatToMember(chat: ChatDto): void {
    this.hub.queuePosition(chat);
  }

  /** A read receipt. */
  read(chat: ChatFacts & { id: string }, userId: string, seq: number): void {
    this.hub.signal(chatAudience(chat), { type: 'read', chatId: chat.id, userId, seq });
  }

  /** Someone is typing (not stored; not sent back to the typist). */
  typing(chat: ChatFacts & { id: string }, userId: string): void {
    this.hub.signal(chatAudience(chat, userId), { type: 'typing', chatId: chat.id, userId });
  }
}
