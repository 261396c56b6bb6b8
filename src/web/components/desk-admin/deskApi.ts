/**
 * The supervisors' desk endpoints (dashboard, queues, capacity, shifts, holidays, statistics) on
 * top of the shared ApiClient, with the wire shapes the pages read.
 */
import { ApiError, type ApiClient } from '../../../client/api';
import type { ErrorBody } from '../../../shared/protocol';
import type { AgentDayStats, AssignmentMode, DashboardSnapshot, Holiday, Shift } from '../../../shared/desk';

// The wire shapes are declared once in src/shared; re-exported so the pages keep importing from here.
export { ASSIGNMENT_MODES } from '../../../shared/desk';
export type { AgentDayStats, AgentFigures, AssignmentMode, DashboardSnapshot, Holiday, Shift } from '../../../shared/desk';

const enc = encodeURIComponent;

/** The dashboard's current figures. */
export async function fetchDashboard(api: ApiClient): Promise<DashboardSnapshot> {
  return (await api.request<{ snapshot: DashboardSnapshot }>('GET', '/api/dashboard')).snapshot;
}

/** Changes how a queue assigns its chats. */
export async function setAssignmentMode(api: ApiClient, queueId: string, assignmentMode: AssignmentMode): Promise<void> {
  await api.request('PATCH', `/api/queues/${enc(queueId)}`, { assignmentMode });
}

/** Changes how many chats an agent or master may hold at once. */
export async function setCapacity(api: ApiClient, userId: string, maxConcurrent: number): Promise<void> {
  await api.request('PATCH', `/api/users/${enc(userId)}`, { maxConcurrent });
}

/** Shifts overlapping [from, to). */
export async function fetchShifts(api: ApiClient, from: Date, to: Date): Promise<Shift[]> {
  const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  return (await api.request<{ shifts: Shift[] }>('GET', `/api/schedules?${q}`)).shifts;
}

/** Adds a shift. */
export async function addShift(api: ApiClient, userId: string, shiftStart: Date, shiftEnd: Date): Promise<Shift> {
  return (await api.request<{ shift: Shift }>('POST', '/api/schedules', { userId, shiftStart: shiftStart.toISOString(), shiftEnd: shiftEnd.toISOString() })).shift;
}

/** Removes a shift. */
export async function deleteShift(api: ApiClient, id: string): Promise<void> {
  await api.request('DELETE', `/api/schedules/${enc(id)}`);
}

/** Holidays and closed days. */
export async function fetchHolidays(api: ApiClient): Promise<Holiday[]> {
  return (await api.request<{ holidays: Holiday[] }>('GET', '/api/holidays')).holidays;
}

/** Adds or replaces a holiday. */
export async function setHoliday(api: ApiClient, day: string, name: string, closed: boolean): Promise<Holiday> {
  return (await api.request<{ holiday: Holiday }>('PUT', `/api/holidays/${enc(day)}`, { name, closed })).holiday;
}

/** Removes a holiday. */
export async function removeHoliday(api: ApiClient, day: string): Promise<void> {
  await api.request('DELETE', `/api/holidays/${enc(day)}`);
}

function statsQuery(from: Date, to: Date, format?: 'csv'): string {
  const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), ...(format ? { format } : {}) });
  return `/api/stats/agents?${q}`;
}

/** Efficiency per agent and day. */
export async function fetchAgentStats(api: ApiClient, from: Date, to: Date): Promise<AgentDayStats[]> {
  return (await api.request<{ stats: AgentDayStats[] }>('GET', statsQuery(from, to))).stats;
}

/**
 * The same statistics as a CSV file. The route wants the bearer header, which a plain link cannot
 * send, so the page fetches it and hands the browser a Blob to save.
 */
export async function fetchAgentStatsCsv(api: ApiClient, from: Date, to: Date): Promise<Blob> {
  const res = await fetch(statsQuery(from, to, 'csv'), { headers: { authorization: `Bearer ${api.token ?? ''}`, 'accept-language': api.locale } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ErrorBody | null;
    throw new ApiError(res.status, body?.error.code ?? 'internal', body?.error.message ?? res.statusText);
  }
  return res.blob();
}
