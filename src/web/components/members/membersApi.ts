/**
 * The members endpoints (merit standing and levels, leaderboard, certification, offers) on top of
 * the shared ApiClient, with the wire shapes declared once in src/shared/members.ts.
 */
import type { ApiClient } from '../../../client/api';
import type { Certification, Leaderboard, LeaderboardChoice, MemberStanding, MeritLevel, MeritStanding, Offer } from '../../../shared/members';

export type { Certification, Leaderboard, LeaderboardChoice, Localized, MemberStanding, MeritLevel, MeritStanding, Offer } from '../../../shared/members';

const enc = encodeURIComponent;

/** My merit: total, level, progress, ledger and levels reached. */
export function fetchMyMerit(api: ApiClient): Promise<MeritStanding> {
  return api.request('GET', '/api/merit/me?limit=50');
}
/** The merit levels, ascending. */
export async function fetchLevels(api: ApiClient): Promise<MeritLevel[]> {
  return (await api.request<{ levels: MeritLevel[] }>('GET', '/api/merit/levels')).levels;
}
/** Replaces the merit levels (admins). */
export async function saveLevels(api: ApiClient, levels: MeritLevel[]): Promise<MeritLevel[]> {
  return (await api.request<{ levels: MeritLevel[] }>('PUT', '/api/merit/levels', { levels })).levels;
}
/** A member's certification and level, for staff beside a chat. */
export async function fetchStanding(api: ApiClient, memberId: string): Promise<MemberStanding> {
  return (await api.request<{ standing: MemberStanding }>('GET', `/api/members/${enc(memberId)}/standing`)).standing;
}
/** Whether I appear on the leaderboard, and as whom. */
export function fetchLeaderboardChoice(api: ApiClient): Promise<LeaderboardChoice> {
  return api.request('GET', '/api/merit/me/leaderboard');
}
/** Sets whether I appear on the leaderboard, and as whom. */
export function chooseLeaderboard(api: ApiClient, optIn: boolean, alias?: string): Promise<LeaderboardChoice> {
  return api.request('PUT', '/api/merit/me/leaderboard', alias === undefined ? { optIn } : { optIn, alias });
}
/** The board of a day (desk time; default today). */
export function fetchLeaderboard(api: ApiClient, date?: string): Promise<Leaderboard> {
  return api.request('GET', `/api/merit/leaderboard${date ? `?date=${enc(date)}` : ''}`);
}
/** My certification applications. */
export function fetchMyCertification(api: ApiClient): Promise<{ certified: boolean; certification: Certification | null; certifications: Certification[] }> {
  return api.request('GET', '/api/certifications/me');
}
/** Applies for certification. */
export async function applyCertification(
  api: ApiClient,
  input: { refugeDate: string; refugeTemple: string; master: string; dharmaName?: string; note?: string; attachments: string[] },
): Promise<Certification> {
  return (await api.request<{ certification: Certification }>('POST', '/api/certifications', input)).certification;
}
/** Applications by status (masters, admins). */
export async function fetchCertifications(api: ApiClient, status: Certification['status']): Promise<Certification[]> {
  return (await api.request<{ certifications: Certification[] }>('GET', `/api/certifications?status=${status}`)).certifications;
}
/** Approves or rejects an application. */
export async function decideCertification(api: ApiClient, id: string, approve: boolean, reason?: string): Promise<Certification> {
  return (await api.request<{ certification: Certification }>('POST', `/api/certifications/${enc(id)}/decision`, reason ? { approve, reason } : { approve })).certification;
}
/** Offers: a member's active offers, or every offer for admins. */
export async function fetchOffers(api: ApiClient): Promise<Offer[]> {
  return (await api.request<{ offers: Offer[] }>('GET', '/api/offers')).offers;
}
/** Claims an offer: its code. */
export async function claimOffer(api: ApiClient, id: string): Promise<string> {
  return (await api.request<{ code: string }>('POST', `/api/offers/${enc(id)}/claim`)).code;
}
export interface OfferDraft {
  title: string;
  body: string;
  minLevel: string;
  code: string;
  startsAt: string;
  endsAt: string;
}
/** Creates an offer (admins). */
export async function createOffer(api: ApiClient, draft: OfferDraft): Promise<Offer> {
  return (await api.request<{ offer: Offer }>('POST', '/api/offers', draft)).offer;
}
/** Deletes an offer (admins). */
export async function deleteOffer(api: ApiClient, id: string): Promise<void> {
  await api.request('DELETE', `/api/offers/${enc(id)}`);
}
