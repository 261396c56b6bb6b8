/**
 * The LotusDesk wire contract (docs/PROTOCOL.md), as types shared by the server, the web app and
 * the client library. Extend freely; never rename or change the meaning of what is here.
 */

export const ROLES = ['member', 'agent', 'master', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that serve members: they can accept and hold chats. */
export const SERVING_ROLES: readonly Role[] = ['agent', 'master'];
/** Roles that see every chat. */
export const OVERSEEING_ROLES: readonly Role[] = ['supervisor', 'admin'];

export const CHAT_STATUSES = ['pending', 'open', 'closed'] as const;
export type ChatStatus = (typeof CHAT_STATUSES)[number];

export const LOCALES = ['zh-TW', 'zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const ERROR_CODES = [
  'unauthenticated',
  'forbidden',
  'not_found',
  'invalid',
  'too_large',
  'rate_limited',
  'chat_closed',
  'forbidden_content',
  'unverified_citation',
  'conflict',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type MessageKind = 'text' | 'auto_reply' | 'system';

export interface AttachmentDto {
  id: string;
  name: string;
  mime: string;
  size: number;
  url: string;
  thumbnailUrl?: string | null;
}

export interface ChatDto {
  id: string;
  memberId: string;
  assigneeId: string | null;
  status: ChatStatus;
  topic: string | null;
  createdAt: string;
  closedAt: string | null;
  lastSeq: number;
  queuePosition?: number;
  /** Extensions (not in v1 of the contract, additive). */
  memberName?: string;
  assigneeName?: string | null;
  queue?: string | null;
  urgency?: number;
  waitEstimateSeconds?: number | null;
  note?: string | null;
  memberTier?: string;
  /** Set when the member was in distress (top urgency). */
  distress?: boolean;
  /** Nobody was on duty when the chat was opened: the member may leave a message. */
  offDuty?: boolean;
  /** Nobody who serves this chat's queue is online now: no wait estimate is given (it would be a guess). */
  nobodyAvailable?: boolean;
  /** Staff labels (staff only: members never see them). */
  labels?: string[];
}

/** A member's satisfaction rating of a closed chat. */
export interface RatingDto {
  score: number;
  comment: string | null;
  createdAt: string;
}

/** A search hit: a message in a chat the caller may see. */
export interface SearchResultDto {
  chatId: string;
  messageId: string;
  seq: number;
  snippet: string;
  createdAt: string;
}

export interface MessageDto {
  id: string;
  chatId: string;
  seq: number;
  senderId: string | null;
  senderRole: Role | 'system';
  senderName: string;
  kind: MessageKind;
  text: string;
  attachments: AttachmentDto[];
  createdAt: string;
  /** Extensions: review marks (e.g. a member's unverified citation), sentiment when scored. */
  flags?: MessageFlag[];
  sentimentScore?: number | null;
  /** A system line's code and parameters (src/shared/system-lines.ts); clients render it in their locale, `text` is zh-TW. */
  code?: string;
  params?: Record<string, string | number>;
}

/** A mark a content check puts on a stored message for agents or supervisors to see. */
export interface MessageFlag {
  kind: string;
  detail?: Record<string, unknown>;
}

// ---- client → server frames ----

export interface HelloFrame {
  type: 'hello';
  token: string;
  locale?: Locale;
  resume?: Record<string, number>;
}
export interface SendFrame {
  type: 'send';
  id: string;
  chatId: string;
  text: string;
  attachments?: string[];
}
export interface ReadFrame {
  type: 'read';
  chatId: string;
  seq: number;
}
export interface TypingFrame {
  type: 'typing';
  chatId: string;
}
export interface PingFrame {
  type: 'ping';
  id?: string;
}
export type ClientFrame = HelloFrame | SendFrame | ReadFrame | TypingFrame | PingFrame;

// ---- server → client frames ----

export interface WelcomeFrame {
  type: 'welcome';
  userId: string;
  role: Role;
  name?: string;
}
export interface AckFrame {
  type: 'ack';
  id: string;
  chatId: string;
  messageId: string;
  seq: number;
  createdAt: string;
}
export interface MessageFrame {
  type: 'message';
  message: MessageDto;
}
export interface ChatFrame {
  type: 'chat';
  chat: ChatDto;
}
export interface ReadReceiptFrame {
  type: 'read';
  chatId: string;
  userId: string;
  seq: number;
}
export interface TypingNoticeFrame {
  type: 'typing';
  chatId: string;
  userId: string;
}
export interface ErrorFrame {
  type: 'error';
  id?: string;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}
export interface PongFrame {
  type: 'pong';
  id?: string;
}
/** HTTP error body. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** Limits of the contract. */
export const LIMITS = {
  maxTextChars: 4000,
  maxFrameBytes: 64 * 1024,
  maxAttachments: 10,
  maxClientIdChars: 64,
  helloTimeoutMs: 10_000,
  historyPageDefault: 50,
  historyPageMax: 100,
  /** Entries of `hello.resume`; more is refused with `too_large` (the client refetches the rest over HTTP). */
  maxResumeChats: 200,
} as const;

/** WebSocket close codes. */
export const CLOSE_CODES = {
  unauthenticated: 4401,
  /** A binary first frame: the server speaks JSON text only (RFC 6455 "unsupported data"). */
  unsupportedData: 1003,
  /** Server is restarting or draining; clients reconnect (to another node) at once. */
  restart: 4503,
} as const;
