/** The audit and attestation endpoints on top of the shared ApiClient. */
import { ApiError, type ApiClient } from '../../../client/api';
import type { ErrorBody } from '../../../shared/protocol';
import type { AuditEntryDto, ChainCheckDto, ChatAttestationDto } from '../../../shared/trust';

/** The filters of the audit list and export (empty fields are left out). */
export interface AuditQuery {
  actorId?: string;
  action?: string;
  chatId?: string;
  from?: string;
  to?: string;
}

function query(q: AuditQuery, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams(extra);
  for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A page of entries after `after`, ascending. */
export async function fetchAudit(api: ApiClient, q: AuditQuery, after = 0, limit = 100): Promise<AuditEntryDto[]> {
  return (await api.request<{ entries: AuditEntryDto[] }>('GET', `/api/audit${query(q, { after: String(after), limit: String(limit) })}`)).entries;
}

/** Recomputes the chain on the server. */
export function verifyChain(api: ApiClient): Promise<ChainCheckDto> {
  return api.request('GET', '/api/audit/verify');
}

/** The filtered entries as CSV (fetched with the bearer header, which a plain link cannot send). */
export async function fetchAuditCsv(api: ApiClient, q: AuditQuery): Promise<Blob> {
  const res = await fetch(`/api/audit/export${query(q)}`, { headers: { authorization: `Bearer ${api.token ?? ''}`, 'accept-language': api.locale } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ErrorBody | null;
    throw new ApiError(res.status, body?.error.code ?? 'internal', body?.error.message ?? res.statusText, body?.error.details);
  }
  return res.blob();
}

/** A chat's attestations and whether it still matches. */
export function fetchAttestation(api: ApiClient, chatId: string): Promise<ChatAttestationDto> {
  return api.request('GET', `/api/chats/${encodeURIComponent(chatId)}/attestation`);
}

/** Attests the chat now (supervisors, admins). */
export function attestChat(api: ApiClient, chatId: string): Promise<{ entry: { index: number; leafHash: string; treeSize: number } }> {
  return api.request('POST', `/api/chats/${encodeURIComponent(chatId)}/attest`);
}

/** The chat's attestation bundle as a file to save (for `npm run verify -- FILE`). */
export async function fetchBundle(api: ApiClient, chatId: string): Promise<Blob> {
  const res = await fetch(`/api/chats/${encodeURIComponent(chatId)}/attestation/bundle`, { headers: { authorization: `Bearer ${api.token ?? ''}`, 'accept-language': api.locale } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ErrorBody | null;
    throw new ApiError(res.status, body?.error.code ?? 'internal', body?.error.message ?? res.statusText, body?.error.details);
  }
  return res.blob();
}
