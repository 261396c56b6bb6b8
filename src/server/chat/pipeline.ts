/**
 * The one message pipeline for WebSocket and HTTP sends:
 * validate → access → attachments → content checks → group-committed insert → publish → reactions.
 */
import type { AttachmentDto, MessageDto, MessageFlag } from '../../shared/protocol';
import { LIMITS } from '../../shared/protocol';
import type { Db } from '../db/database';
import { AppError } from '../http/errors';
import type { User } from '../identity/users';
import { assertCanWrite } from './access';
import type { ChatEvents } from './chat-events';
import type { ChatService } from './chat-service';
import type { AppendItem, AppendResult, MessageStore } from './message-store';
import type { ContentCheck, Reaction, ReactionContext } from './pipeline-types';
import { presentAttachment } from './presenters';

export interface SendInput {
  chatId: string;
  clientId: string;
  text: string;
  attachmentIds: string[];
}

export interface PipelineLogger {
  error(obj: unknown, msg?: string): void;
}

export class MessagePipeline {
  private readonly checks: ContentCheck[] = [];
  private readonly reactions: Reaction[] = [];
  private readonly reactionContext: ReactionContext;
  private readonly reacted = new Set<(message: MessageDto) => void>();

  constructor(
    private readonly db: Db,
    private readonly store: MessageStore,
    private readonly chats: ChatService,
    private readonly events: ChatEvents,
    private readonly log: PipelineLogger,
  ) {
    this.reactionContext = { postMessage: (input) => this.postAutomatic(input) };
  }

  /** Adds a content check (runs before storing, in registration order). */
  addCheck(check: ContentCheck): void {
    this.checks.push(check);
  }

  /** Adds a reaction (runs after a message is stored and delivered). */
  addReaction(reaction: Reaction): void {
    this.reactions.push(reaction);
  }

  /** Tells `listener` when every reaction to a stored message has finished (tests wait on it). */
  onReacted(listener: (message: MessageDto) => void): () => void {
    this.reacted.add(listener);
    return () => this.reacted.delete(listener);
  }

  /** Validates, checks, stores and publishes one message; resolves after commit (the ack point). */
  async send(user: User, input: SendInput): Promise<AppendResult> {
    return this.commit(await this.prepare(user, input));
  }

  /**
   * Everything before storing: validation, access, attachments, content checks. A refusal throws
   * here and takes no seq. Callers that need arrival order (one connection's sends) chain this
   * step and let commits overlap.
   */
  async prepare(user: User, input: SendInput): Promise<AppendItem> {
    validateSend(input);
    const facts = await this.chats.factsOf(input.chatId);
    assertCanWrite(user, facts);

    const attachments = input.attachmentIds.length ? await this.claimAttachments(user, input.chatId, input.attachmentIds) : [];
    let text = input.text;
    const flags: MessageFlag[] = [];
    for (const check of this.checks) {
      const verdict = await check.check({ chatId: input.chatId, senderId: user.id, senderRole: user.role, senderName: user.name, text, attachmentIds: input.attachmentIds });
      // An empty refusal message means: use the localized default for the code.
      if (!verdict.ok) throw new AppError(verdict.refusal.code, verdict.refusal.details, verdict.refusal.message || undefined);
      if (verdict.text !== undefined) text = verdict.text;
      if (verdict.flags) flags.push(...verdict.flags);
    }
    return {
      chatId: input.chatId,
      senderId: user.id,
      senderRole: user.role,
      senderName: user.name,
      kind: 'text',
      text,
      clientId: input.clientId,
      attachments,
      flags,
      requireOpen: true,
    };
  }

  /** Stores a prepared message (group commit), tells `onStored`, then publishes it and runs reactions. */
  async commit(item: AppendItem, onStored?: (result: AppendResult) => void): Promise<AppendResult> {
    const result = await this.store.append(item);
    // The sender hears its ack before the message fans out, so a client always knows its own
    // message (by the ack's id) when the echo arrives, and never shows it twice.
    onStored?.(result);
    if (!result.duplicate) {
      this.events.message(result.message, result.chat);
      this.react(result.message);
    }
    return result;
  }

  /** Stores and publishes an automatic reply or system message (used by reactions and the desk). */
  async postAutomatic(input: { chatId: string; kind: 'auto_reply' | 'system'; text: string; flags?: MessageFlag[] }): Promise<MessageDto> {
    const result = await this.store.append({
      chatId: input.chatId,
      senderId: null,
      senderRole: 'system',
      senderName: input.kind === 'auto_reply' ? '蓮心自動回覆' : '系統',
      kind: input.kind,
      text: input.text,
      clientId: null,
      attachments: [],
      flags: input.flags ?? [],
      requireOpen: true,
    });
    this.events.message(result.message, result.chat);
    return result.message;
  }

  /**
   * Runs every reaction after the current step (never inside the caller's ack and publish). One
   * microtask for all of them, and a catch only on what they return: this runs for every message,
   * and three promises per reaction were a good part of what the send path allocated (bench/).
   */
  private react(message: MessageDto): void {
    queueMicrotask(() => {
      const settled: Array<Promise<void>> | null = this.reacted.size ? [] : null;
      for (const reaction of this.reactions) {
        try {
          const running = reaction.afterStored(message, this.reactionContext);
          if (running) {
            const caught = running.catch((err) => this.reactionFailed(reaction, message, err));
            settled?.push(caught);
          }
        } catch (err) {
          this.reactionFailed(reaction, message, err);
        }
      }
      if (settled) {
        void Promise.all(settled).then(() => {
          for (const listener of this.reacted) {
            try {
              listener(message);
            } catch {
              /* a listener's failure must not touch the pipeline */
            }
          }
        });
      }
    });
  }

  private reactionFailed(reaction: Reaction, message: MessageDto, err: unknown): void {
    this.log.error({ err, reaction: reaction.name, messageId: message.id }, 'reaction failed');
  }

  /** Binds the sender's own uploads to this chat; any id that is not theirs refuses the message. */
  private async claimAttachments(user: User, chatId: string, ids: string[]): Promise<AttachmentDto[]> {
    const unique = [...new Set(ids)];
    const valid = unique.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    const rows = valid.length
      ? await this.db
          .updateTable('attachments')
          .set({ chat_id: chatId })
          .where('id', 'in', valid)
          .where('owner_id', '=', user.id)
          .where((eb) => eb.or([eb('chat_id', 'is', null), eb('chat_id', '=', chatId)]))
          .returning(['id', 'name', 'mime', 'size', 'thumbnail_key'])
          .execute()
      : [];
    if (rows.length !== unique.length) {
      const found = new Set(rows.map((r) => r.id));
      throw new AppError('invalid', { field: 'attachments', unknown: unique.filter((id) => !found.has(id)) });
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    return unique.map((id) => presentAttachment(byId.get(id)!));
  }
}

/** Contract limits shared by both transports. */
function validateSend(input: SendInput): void {
  if (typeof input.clientId !== 'string' || input.clientId.length < 1 || input.clientId.length > LIMITS.maxClientIdChars) {
    throw new AppError('invalid', { field: 'id', reason: `a string of 1-${LIMITS.maxClientIdChars} characters` });
  }
  if (typeof input.text !== 'string') throw new AppError('invalid', { field: 'text' });
  if (input.text.length > LIMITS.maxTextChars && [...input.text].length > LIMITS.maxTextChars) throw new AppError('too_large', { field: 'text', max: LIMITS.maxTextChars });
  if (!Array.isArray(input.attachmentIds) || input.attachmentIds.some((a) => typeof a !== 'string')) throw new AppError('invalid', { field: 'attachments' });
  if (input.attachmentIds.length > LIMITS.maxAttachments) throw new AppError('too_large', { field: 'attachments', max: LIMITS.maxAttachments });
  if (input.text.trim() === '' && input.attachmentIds.length === 0) throw new AppError('invalid', { field: 'text', reason: 'empty message' });
}
