/**
 * The one typed catalogue of events that cross the bus between nodes, and of background jobs
 * (job name tied to payload type). Imported by the server roles; the web app sees only the frames
 * these events carry.
 */
import type { ChatDto, Role } from './protocol';

/** Who should receive an event: explicit users plus every connection of some roles. */
export interface Audience {
  userIds: string[];
  roles: Role[];
  /** Do not deliver to this user's connections (e.g. the typist). */
  exceptUserId?: string;
}

export type BusEvent =
  /**
   * A stored message; `frame` is the serialized `message` frame, built once. `memberFrame` is the
   * member's view (without staff-only marks), present only when it differs.
   */
  | { type: 'chat.message'; chatId: string; seq: number; audience: Audience; frame: string; memberFrame?: string }
  /**
   * A chat changed (created, assigned, transferred, closed, queue position). `memberFrame` is the
   * member's view (without the desk's internal fields), present only when it differs.
   */
  | { type: 'chat.updated'; chat: ChatDto; audience: Audience; frame: string; memberFrame?: string }
  /** A frame that is not ordered by seq (read receipts, typing, alerts). */
  | {
      type: 'chat.signal';
      chatId: string;
      audience: Audience;
      frame: string;
      /**
       * Not urgent (a mood score): a connection sends it with its next frame, or within
       * BACKGROUND_FRAME_MS, instead of on its own.
       */
      background?: boolean;
    }
  /** Presence or dashboard updates for supervisors. */
  | { type: 'desk.signal'; audience: Audience; frame: string };

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
}
export type JobName = keyof JobMap;
