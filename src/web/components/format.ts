/** Small display helpers shared by the components. */
import type { MessageDto } from '../../shared/protocol';
import type { MessageKey } from '../i18n/zh-TW';

/** Adds the session token to an upload URL: `<img>` and download links cannot send a header. */
export function withToken(url: string, token: string, extra: Record<string, string> = {}): string {
  const u = new URL(url, location.origin);
  u.searchParams.set('token', token);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.pathname + u.search;
}

/** Human file size. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The label key of who wrote a message: member, agent, 法師, automatic reply, system. */
export function senderRoleKey(m: Pick<MessageDto, 'kind' | 'senderRole'>): MessageKey {
  if (m.kind === 'auto_reply') return 'role.auto_reply';
  if (m.kind === 'system' || m.senderRole === 'system') return 'role.system';
  return `role.${m.senderRole}` as MessageKey;
}

/** Whole minutes since an ISO time (never negative). */
export function minutesSince(iso: string, now = Date.now()): number {
  return Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));
}
