/**
 * Wire shapes of masters on duty, the holy-day calendar, canned replies and training
 * (PROTOCOL part 2, "Masters on duty, canned replies, training"), for the server and the web app.
 */
import type { PresenceStatus } from './desk';

/** GET /api/calendar/holy-days: one holy day (a date may carry a festival and a fast). */
export interface HolyDayDto {
  date: string;
  lunar: string;
  name: string;
  kind: 'festival' | 'fast';
  lunarMonth: number;
  lunarDay: number;
  leap: boolean;
}

/** A festival of the editable list. */
export interface FestivalDto {
  id: string;
  lunarMonth: number;
  lunarDay: number;
  name: string;
}

/** Which holy days put the masters on duty. */
export type DutyHolyDays = 'none' | 'festival' | 'fast' | 'both';
export const DUTY_HOLY_DAYS: readonly DutyHolyDays[] = ['none', 'festival', 'fast', 'both'];

/** GET/PATCH /api/desk/duty-settings. */
export interface DutySettingsDto {
  holyDays: DutyHolyDays;
  /** How long a masters-first chat waits for a master before agents may take it. */
  masterFirstSeconds: number;
}

/** A supervisor's on-duty window. */
export interface DutyWindowDto {
  id: string;
  from: string;
  to: string;
  reason: string;
}

/** GET /api/desk/duty. */
export interface DutyStatusDto {
  masterOnDuty: boolean;
  reason: 'festival' | 'fast' | 'window' | null;
  /** When the present duty period ends (ISO), null when off duty. */
  until: string | null;
  /** Masters with a shift now (members get an empty list). */
  masters: Array<{ id: string; name: string; status: PresenceStatus }>;
  /** The holy day of today (desk time), if any. */
  holyDay: { name: string; kind: 'festival' | 'fast'; lunar: string } | null;
  /** Staff only: chats in distress waiting or open now (they go to masters first at any time). */
  distressChats?: number;
}

/** A canned reply; `ownerId` null is a team reply. */
export interface CannedReplyDto {
  id: string;
  ownerId: string | null;
  scope: 'personal' | 'team';
  shortcut: string;
  title: string;
  text: string;
  usageCount: number;
  updatedAt: string;
}
