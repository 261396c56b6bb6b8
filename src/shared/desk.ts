/**
 * Wire shapes of the supervisors' desk HTTP API (dashboard, queues, shifts, holidays, statistics),
 * declared once for the server and the web app. Types and small constant lists only.
 */
import type { Role } from './protocol';

/** How a queue hands its pending chats to agents. */
export type AssignmentMode = 'off' | 'least_busy' | 'round_robin';
export const ASSIGNMENT_MODES: readonly AssignmentMode[] = ['off', 'least_busy', 'round_robin'];

/** What an agent or master chose to be. */
export type PresenceStatus = 'online' | 'away' | 'offline';

/** An agent's efficiency figures over some period. */
export interface AgentFigures {
  agentId: string;
  agentName: string;
  handled: number;
  closed: number;
  avgFirstResponseSeconds: number | null;
  avgHandleSeconds: number | null;
  /** Satisfaction ratings of these chats and their average (1-5, null without ratings). */
  ratings: number;
  avgRating: number | null;
}

/** GET /api/stats/ratings: satisfaction over a period, per agent, per queue and overall. */
export interface RatingStats {
  from: string;
  to: string;
  overall: { ratings: number; avgRating: number | null };
  agents: Array<{ agentId: string; agentName: string; ratings: number; avgRating: number | null }>;
  queues: Array<{ queue: string | null; ratings: number; avgRating: number | null }>;
}

/** GET /api/stats/agents: the figures per agent and local day. */
export interface AgentDayStats extends AgentFigures {
  day: string;
}

/** A serving user on the dashboard. */
export interface RosterAgent {
  id: string;
  name: string;
  role: Role;
  status: PresenceStatus;
  load: number;
  capacity: number;
}

/** GET /api/dashboard: the supervisors' live figures. */
export interface DashboardSnapshot {
  at: string;
  /** The desk's IANA time zone: the hours and "today" below are local to it. */
  timezone: string;
  queues: Array<{ id: string; name: string; length: number; longestWaitSeconds: number; assignmentMode: AssignmentMode }>;
  agents: RosterAgent[];
  chatsPerHour: Array<{ hour: string; opened: number; closed: number }>;
  today: {
    handled: number;
    closed: number;
    avgFirstResponseSeconds: number | null;
    avgHandleSeconds: number | null;
    /** Satisfaction of today's chats. */
    ratings: number;
    avgRating: number | null;
    /** The same figures per agent, so the dashboard can chart who answers slowly today. */
    agents: AgentFigures[];
  };
}

/** A shift (customer_service_schedule row). */
export interface Shift {
  id: string;
  userId: string;
  userName?: string;
  shiftStart: string;
  shiftEnd: string;
  currentStatus: PresenceStatus;
}

/** A holiday or closed day. */
export interface Holiday {
  day: string;
  name: string;
  closed: boolean;
}
