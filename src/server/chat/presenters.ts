/** Turns database rows into the contract's chat and message objects. */
import type { AttachmentDto, ChatDto, MessageDto, MessageFlag, Role } from '../../shared/protocol';

/** A chat row joined with the names of its member and assignee. */
export interface ChatRow {
  id: string;
  member_id: string;
  customer_service_id: string | null;
  status: 'pending' | 'open' | 'closed';
  topic: string | null;
  last_seq: number;
  created_at: Date;
  closed_at: Date | null;
  member_name?: string | null;
  assignee_name?: string | null;
  member_tier?: string | null;
  queue?: string | null;
  base_urgency?: number | null;
  distress?: boolean | null;
  off_duty?: boolean | null;
  labels?: string[] | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** Chat row → chat object; queue fields are added by the desk when the chat is pending. */
export function presentChat(row: ChatRow, extra: Partial<ChatDto> = {}): ChatDto {
  return {
    id: row.id,
    memberId: row.member_id,
    assigneeId: row.customer_service_id,
    status: row.status,
    topic: row.topic,
    createdAt: iso(row.created_at)!,
    closedAt: iso(row.closed_at),
    lastSeq: row.last_seq,
    ...(row.member_name != null ? { memberName: row.member_name } : {}),
    ...(row.member_name != null ? { assigneeName: row.assignee_name ?? null } : {}),
    ...(row.member_tier != null ? { memberTier: row.member_tier } : {}),
    ...(row.queue !== undefined ? { queue: row.queue } : {}),
    ...(row.distress ? { distress: true } : {}),
    ...(row.off_duty && row.status === 'pending' ? { offDuty: true } : {}),
    ...(row.labels ? { labels: row.labels } : {}),
    ...extra,
  };
}

/** A message row joined with its sender's name and role. */
export interface MessageRow {
  id: string;
  chat_id: string;
  seq: number;
  sender_id: string | null;
  sender_role: string;
  sender_name?: string | null;
  kind: 'text' | 'auto_reply' | 'system';
  content: string;
  attachments: unknown;
  flags: unknown;
  sentiment_score?: number | null;
  created_at: Date | string;
  code?: string | null;
  params?: unknown;
}

const SYSTEM_NAMES: Record<string, string> = { auto_reply: '蓮心自動回覆', system: '系統' };

/** Message row → message object. */
export function presentMessage(row: MessageRow): MessageDto {
  const flags = (Array.isArray(row.flags) ? row.flags : []) as MessageFlag[];
  return {
    id: row.id,
    chatId: row.chat_id,
    seq: row.seq,
    senderId: row.sender_id,
    senderRole: row.sender_role as Role | 'system',
    senderName: row.sender_name ?? SYSTEM_NAMES[row.kind] ?? '',
    kind: row.kind,
    text: row.content,
    attachments: (Array.isArray(row.attachments) ? row.attachments : []) as AttachmentDto[],
    createdAt: iso(row.created_at)!,
    ...(flags.length ? { flags } : {}),
    ...(row.sentiment_score != null ? { sentimentScore: row.sentiment_score } : {}),
    ...(row.code ? { code: row.code, params: (row.params ?? {}) as Record<string, string | number> } : {}),
  };
}

/**
 * What a member may see of a message: review marks (flags) and sentiment scores are notes for
 * staff about the member, so they never reach the member's own devices.
 */
export function memberView(message: MessageDto): MessageDto {
  if (message.flags === undefined && message.sentimentScore === undefined) return message;
  const { flags: _flags, sentimentScore: _score, ...visible } = message;
  return visible;
}

/** The message as the given role may see it. */
export function messageFor(role: Role, message: MessageDto): MessageDto {
  return role === 'member' ? memberView(message) : message;
}

/**
 * What a member may see of their chat: the desk's internal assessment (distress mark, urgency),
 * the notes staff pass each other on transfer and staff labels stay with staff.
 */
export function memberChatView(chat: ChatDto): ChatDto {
  if (chat.distress === undefined && chat.urgency === undefined && chat.note === undefined && chat.labels === undefined) return chat;
  const { distress: _distress, urgency: _urgency, note: _note, labels: _labels, ...visible } = chat;
  return visible;
}

/** The chat as the given role may see it. */
export function chatFor(role: Role, chat: ChatDto): ChatDto {
  return role === 'member' ? memberChatView(chat) : chat;
}

/** An attachment row as the presenter needs it. */
export interface AttachmentRowLike {
  id: string;
  name: string;
  mime: string;
  size: number;
  thumbnail_key: string | null;
}

/** The contract's attachment object, with the download URLs of src/server/uploads/routes.ts. */
export function presentAttachment(row: AttachmentRowLike): AttachmentDto {
  return {
    id: row.id,
    name: row.name,
    mime: row.mime,
    size: row.size,
    url: `/api/uploads/${row.id}`,
    thumbnailUrl: row.thumbnail_key ? `/api/uploads/${row.id}/thumbnail` : null,
  };
}
