/**
 * The seam of the message pipeline. Every message (WebSocket or HTTP) goes through:
 *
 *   validate → content checks (may refuse, mask or flag) → group-committed insert (seq) → ack
 *            → fan-out → reactions (may add auto-replies or system messages, each with its own seq)
 *
 * Later features (content filter, citation verification, automatic replies, sentiment jobs) plug
 * in here by implementing ContentCheck or Reaction and registering with the pipeline.
 */
import type { ErrorCode, MessageDto, MessageFlag, Role } from '../../shared/protocol';

/** What a sender asked to store, before any check ran. */
export interface MessageDraft {
  chatId: string;
  senderId: string;
  senderRole: Role;
  senderName: string;
  text: string;
  attachmentIds: string[];
}

/** A refusal: the message is not stored and the sender gets this code (no seq is used). */
export interface Refusal {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** What a content check decided. `text` replaces the draft's text (masking); flags are stored. */
export type CheckVerdict =
  | { ok: true; text?: string; flags?: MessageFlag[] }
  | { ok: false; refusal: Refusal };

/** Runs before storing; must be fast (it is on the send path) and must not write to the database. */
export interface ContentCheck {
  readonly name: string;
  check(draft: MessageDraft): CheckVerdict | Promise<CheckVerdict>;
}

/** Lets a reaction add a message of its own to the chat (it gets the next seq). */
export interface ReactionContext {
  postMessage(input: {
    chatId: string;
    kind: 'auto_reply' | 'system';
    text: string;
    flags?: MessageFlag[];
  }): Promise<MessageDto>;
}

/** Runs after a message was committed and delivered; never on the sender's ack path. */
export interface Reaction {
  readonly name: string;
  afterStored(message: MessageDto, ctx: ReactionContext): Promise<void> | void;
}
