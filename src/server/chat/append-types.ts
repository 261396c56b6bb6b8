/**
 * What a message append takes and gives back: shared by the message store and its one-statement
 * batch writer (`batch-statement.ts`), which the store calls.
 */
import type { AttachmentDto, MessageDto, MessageFlag } from '../../shared/protocol';
import type { SystemLine } from '../../shared/system-lines';

export interface AppendItem {
  chatId: string;
  senderId: string | null;
  senderRole: string;
  senderName: string;
  kind: 'text' | 'auto_reply' | 'system';
  text: string;
  /** The sender's client message id; resending it returns the original message. */
  clientId: string | null;
  attachments: AttachmentDto[];
  flags: MessageFlag[];
  /** Refuse with chat_closed when the chat is closed (people's messages; not system notes). */
  requireOpen: boolean;
  /** A system line's code and parameters (its zh-TW rendering is `text`). */
  line?: SystemLine;
}

/** The chat facts as they were when the message was written (for deciding the audience). */
export type { ChatFacts } from '../../shared/bus-events';
import type { ChatFacts } from '../../shared/bus-events';

export interface AppendResult {
  message: MessageDto;
  duplicate: boolean;
  chat: ChatFacts;
}

export type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };
