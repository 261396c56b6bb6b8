/**
 * The one typed catalogue of events that cross the bus between nodes, and of background jobs
 * (job name tied to payload type). Imported by the server roles; the web app sees only the frames
 * these events carry.
 */
import type { AnyDomainEvent, RecordedEventType } from './domain-events';
import type { SignalFrame } from './frames';
import type { ChatDto, ChatStatus, MessageDto, Role } from './protocol';

/** A domain event of the outbox. */
export type RecordedEvent = AnyDomainEvent & { type: RecordedEventType };

/** Who should receive an event: explicit users plus every connection of some roles. */
export interface Audience {
  userIds: string[];
  roles: Role[];
  /** Do not deliver to this user's connections (e.g. the typist). */
  exceptUserId?: string;
}

/** Who may see a chat's messages, as they were when a change or message committed. */
export interface ChatFacts {
  memberId: string;
  assigneeId: string | null;
  status: ChatStatus;
}

/**
 * What crosses the bus: typed events, never pre-serialised frames. Each node's delivery listener
 * (src/server/chat/delivery.ts) decides the audience and serialises once per role view.
 */
export type BusEvent =
  /** A stored message (its chat's facts at commit decide who receives it). */
  | { type: 'message'; message: MessageDto; chat: ChatFacts }
  /** A committed domain event; `chat` is the chat as presented after the change (null if gone). */
  | { type: 'domain'; event: RecordedEvent; chat: ChatDto | null }
  /** A waiting member's new queue position and wait estimate (to the member alone). */
  | { type: 'queue.position'; chat: ChatDto }
  /**
   * A frame outside any chat's seq order (read receipts, typing, moods, alerts, presence, the
   * dashboard, notes). `background`: not urgent, sent with the connection's next frame.
   */
  | { type: 'signal'; audience: Audience; frame: SignalFrame; background?: boolean };

export interface JobMap {
  'message.analyze': { messageId: string; chatId: string; text: string; senderRole: Role };
  /** The member messages of one group commit, analysed in one job. */
  'messages.analyze': { messages: Array<JobMap['message.analyze']> };
  'chat.assign': { reason: string };
  'chat.inactivity': Record<string, never>;
  'chat.merit': { chatId: string };
  'ops.backup': Record<string, never>;
  /** Purges closed chats older than the retention period (LOTUSDESK_RETENTION_DAYS). */
  'ops.retention': Record<string, never>;
  /** One attempt of a webhook delivery (its row in `webhook_deliveries` holds the rest). */
  'webhook.deliver': { deliveryId: string };
}
export type JobName = keyof JobMap;
