/**
 * The one message pipeline for WebSocket and HTTP sends:
 * validate → access → attachments → content checks → group-committed insert (which binds the
 * attachments) → ack → publish. What reacts to a stored message (desk, Dharma, insight) is a
 * listener of the event hub (events/listeners.ts), not part of the pipeline.
 */
import { UUID_PATTERN } from '../core/ids';
import type { AttachmentDto, MessageDto, MessageFlag } from '../../shared/protocol';
import { LIMITS } from '../../shared/protocol';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import { assertCanWrite } from './access';
import type { ChatEvents } from './chat-events';
import type { ChatService } from './chat-service';
import { unsendableFiles } from './batch-statement';
import type { AppendItem, AppendResult, MessageStore } from './message-store';
import { NO_FAULTS, type Faults } from '../core/faults';
import type { ContentCheck, ReactionContext } from './pipeline-types';
import { presentAttachment } from './presenters';

export interface SendInput {
  chatId: string;
  clientId: string;
  text: string;
  attachmentIds: string[];
}

export class MessagePipeline {
  private readonly checks: ContentCheck[] = [];
  /** Lets listeners add a message of their own to a chat. */
  readonly replies: ReactionContext;

  constructor(
    private readonly db: Db,
    private readonly store: MessageStore,
    private readonly chats: ChatService,
    private readonly events: ChatEvents,
    private readonly faults: Faults = NO_FAULTS,
  ) {
    this.replies = { postMessage: (input) => this.postAutomatic(input) };
    chats.replies = this.replies;
  }

  /** Adds a content check (runs before storing, in registration order). */
  addCheck(check: ContentCheck): void {
    this.checks.push(check);
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

    const attachments = input.attachmentIds.length ? await this.sendableAttachments(user, input.chatId, input.attachmentIds) : [];
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

  /** Stores a prepared message (group commit), tells `onStored` (the ack), then publishes it. */
  async commit(item: AppendItem, onStored?: (result: AppendResult) => void): Promise<AppendResult> {
    const result = await this.store.append(item);
    this.faults.afterCommit(item.text);
    // The sender hears its ack before the message fans out, so a client always knows its own
    // message (by the ack's id) when the echo arrives, and never shows it twice.
    onStored?.(result);
    if (!result.duplicate) this.events.message(result.message, result.chat, this.replies);
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
    this.events.message(result.message, result.chat, this.replies);
    return result.message;
  }

  /**
   * The sender's own stored uploads, unsent or already in this chat; any other id refuses the
   * message. Nothing is bound here: the commit binds them with the message (message-store.ts), so
   * a message refused by a later check leaves its files unsent and private.
   */
  private async sendableAttachments(user: User, chatId: string, ids: string[]): Promise<AttachmentDto[]> {
    const unique = [...new Set(ids)];
    const wanted = [...new Set(unique.filter((id) => UUID_PATTERN.test(id)).map((id) => id.toLowerCase()))];
    const rows = wanted.length
      ? await this.db
          .selectFrom('attachments')
          .select(['id', 'name', 'mime', 'size', 'thumbnail_key'])
          .where('id', 'in', wanted)
          .where('owner_id', '=', user.id)
          .where('stored', '=', true)
          .where((eb) => eb.or([eb('chat_id', 'is', null), eb('chat_id', '=', chatId)]))
          .execute()
      : [];
    const found = new Set(rows.map((r) => r.id));
    const refused = unique.filter((id) => !found.has(id.toLowerCase()));
    if (refused.length) throw unsendableFiles(refused);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return wanted.map((id) => presentAttachment(byId.get(id)!));
  }
}


/** Contract limits shared by both transports. */
function validateSend(input: SendInput): void {
  if (typeof input.clientId !== 'string' || input.clientId.length < 1 || input.clientId.length > LIMITS.maxClientIdChars) {
    throw new AppError('invalid', { field: 'id', reason: `a string of 1-${LIMITS.maxClientIdChars} characters` });
  }
  if (typeof input.text !== 'string') throw new AppError('invalid', { field: 'text' });
  if (input.text.includes('\u0000')) throw new AppError('invalid', { field: 'text', reason: 'text must not contain U+0000' });
  if (input.text.length > LIMITS.maxTextChars && [...input.text].length > LIMITS.maxTextChars) throw new AppError('too_large', { field: 'text', max: LIMITS.maxTextChars });
  if (!Array.isArray(input.attachmentIds) || input.attachmentIds.some((a) => typeof a !== 'string')) throw new AppError('invalid', { field: 'attachments' });
  if (input.attachmentIds.length > LIMITS.maxAttachments) throw new AppError('too_large', { field: 'attachments', max: LIMITS.maxAttachments });
  if (input.text.trim() === '' && input.attachmentIds.length === 0) throw new AppError('invalid', { field: 'text', reason: 'empty message' });
}
