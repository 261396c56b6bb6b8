/**
 * The typed catalogue of domain events: every state change of a chat is one of these, recorded in
 * the transaction that makes the change (the outbox, `domain_events`) and published after commit
 * (docs/PROTOCOL.md part 2, "Domain events"). `data` names ids and never carries a private chat's
 * content or a staff note's text: webhooks and the audit log may forward it as it is.
 */
import type { MessageKind, Role } from './protocol';

/** Why a chat went back to the queue. */
export type RequeueReason = 'transfer' | 'agent_offline';

/** Why a chat was closed. */
export type CloseReason = 'user' | 'inactive' | 'system';

export interface DomainEventMap {
  /** A member opened a chat; it waits in the queue. */
  'chat.created': { chatId: string; memberId: string; topic: string | null };
  /** Someone took the chat: by 接聽 (`accept`) or by the desk's automatic assignment (`auto`). */
  'chat.assigned': {
    chatId: string;
    memberId: string;
    assigneeId: string;
    mode: 'accept' | 'auto';
    /** Set when nobody with the queue's skill or the chat's language could take it in time, so anyone available did. */
    fallback?: true;
  };
  /** The chat was handed to another agent or master (`toAssigneeId`), or back to the queue (null). */
  'chat.transferred': {
    chatId: string;
    memberId: string;
    fromAssigneeId: string | null;
    toAssigneeId: string | null;
    byUserId: string;
    /** The private note written with the transfer (its text stays in `chat_notes`). */
    noteId: string | null;
  };
  /** The chat went back to the queue without a person asking (its agent dropped). */
  'chat.requeued': { chatId: string; memberId: string; previousAssigneeId: string | null; reason: RequeueReason };
  /** The chat was closed. */
  'chat.closed': { chatId: string; memberId: string; assigneeId: string | null; byUserId: string | null; reason: CloseReason };
  /** The desk changed how the chat waits (queue, urgency, off-duty mark). */
  'chat.queued': { chatId: string; memberId: string; queue: string | null; offDuty: boolean };
  /** A member's message signalled distress; the chat is raised to the top of the queue. */
  'distress.raised': { chatId: string; memberId: string; messageId: string | null };
  /** Staff set the chat's labels (the labels themselves are staff notes: read them from the chat). */
  'chat.labeled': { chatId: string; memberId: string; byUserId: string };
  /** The member rated a closed chat (the comment stays in `chat_ratings`). */
  'chat.rated': { chatId: string; memberId: string; assigneeId: string | null; score: number };
  /** Staff wrote a private note on the chat. */
  'note.created': { chatId: string; noteId: string; authorId: string | null };
  /**
   * A message was stored (automatic replies and system lines included). Messages are their own
   * outbox (by `seq`); this event is derived from the stored row, never written twice.
   */
  'message.created': { chatId: string; messageId: string; seq: number; kind: MessageKind; senderId: string | null; senderRole: Role | 'system' };
  /**
   * A closed chat earned its member merit (one ledger row per chat): the parts of the sum, the
   * points and the member's new total. Counts only: the words counted stay in the ledger.
   */
  'merit.awarded': {
    chatId: string;
    memberId: string;
    ledgerId: string;
    points: number;
    parts: MeritParts;
    total: number;
  };
  /** Staff approved a member's 三寶 (refuge) certification. */
  'member.certified': { memberId: string; certificationId: string; decidedBy: string };
}

/**
 * The parts of a conversation's merit: `base` + `minutePoints` (1 per 5 minutes of conversation,
 * from the first staff answer to the close) + `positivePoints` (2 per positive word of the member)
 * + `quotePoints` (5 per verified sutra quote) = the points.
 */
export interface MeritParts {
  base: number;
  minutes: number;
  minutePoints: number;
  positiveWords: number;
  positivePoints: number;
  sutraQuotes: number;
  quotePoints: number;
}

export type DomainEventType = keyof DomainEventMap;

/** The event object (the body of a webhook delivery). */
export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: string;
  type: T;
  /** ISO time of the transaction that recorded it. */
  createdAt: string;
  data: DomainEventMap[T];
}

/** An event of any type, narrowed by `type`. */
export type AnyDomainEvent = { [T in DomainEventType]: DomainEvent<T> }[DomainEventType];

/** The events recorded in the outbox table (all but the message events, whose outbox is `messages`). */
export type RecordedEventType = Exclude<DomainEventType, 'message.created'>;

/** The chat lifecycle events (they change who sees the chat or where it waits). */
export const CHAT_LIFECYCLE_EVENTS = ['chat.created', 'chat.assigned', 'chat.transferred', 'chat.requeued', 'chat.closed', 'chat.queued', 'distress.raised'] as const satisfies readonly RecordedEventType[];
