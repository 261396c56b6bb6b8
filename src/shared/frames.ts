/**
 * The frames the server sends, as one typed union for the server, the web app and the client
 * library. Frames pushed outside a chat's seq order are "signals".
 */
import type { DashboardSnapshot, PresenceStatus } from './desk';
import type { CertificationFrame } from './members';
import type { AckFrame, ChatFrame, ErrorFrame, MessageFrame, PongFrame, ReadReceiptFrame, TypingNoticeFrame, WelcomeFrame } from './protocol';

/** A mood score of a member's message (staff only; sent with the next frame, not urgent). */
export interface SentimentFrame {
  type: 'sentiment';
  chatId: string;
  messageId: string;
  score: number;
}
/** A distress alert for supervisors, the assignee and the masters on duty. */
export interface AlertFrame {
  type: 'alert';
  kind: 'distress';
  chatId: string;
  messageId: string;
  memberId: string | null;
  memberName: string;
  excerpt: string;
  phrases: string[];
  at: string;
}
/** A staff member's presence changed (supervisors, admins and the person themselves). */
export interface PresenceFrame {
  type: 'presence';
  userId: string;
  name: string;
  role: string;
  status: PresenceStatus;
}
/** The live dashboard (supervisors and admins). */
export interface DeskFrame {
  type: 'desk';
  snapshot: DashboardSnapshot;
}
/** A private note on a chat (staff who may see the chat; never a member). */
export interface NoteDto {
  id: string;
  chatId: string;
  authorId: string | null;
  authorName: string;
  text: string;
  createdAt: string;
}
export interface NoteFrame {
  type: 'note';
  note: NoteDto;
}
/** Frames pushed to an audience outside a chat's seq order. */
/** A webhook endpoint was disabled after a day of failed deliveries (admins). */
export interface WebhookDisabledFrame {
  type: 'webhook.disabled';
  webhookId: string;
  url: string;
  failingSince: string;
  at: string;
}
export type SignalFrame = ReadReceiptFrame | TypingNoticeFrame | SentimentFrame | AlertFrame | PresenceFrame | DeskFrame | NoteFrame | WebhookDisabledFrame | CertificationFrame;
/** Staff decided the member's 三寶 certification (to the member's connections). */
export type { CertificationFrame };

/** Every frame the server sends (`src/client` handles each of them, typed). */
export type ServerFrame = WelcomeFrame | AckFrame | MessageFrame | ChatFrame | ErrorFrame | PongFrame | SignalFrame;

