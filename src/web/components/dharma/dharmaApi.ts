/**
 * The Dharma endpoints (filter categories, terms, allow-list, dry-run check, reviews, sutra corpus,
 * automatic reply rules, compassion pool, merit) on top of the shared ApiClient, with the wire
 * shapes the admin page and the chat views read.
 */
import type { ApiClient } from '../../../client/api';
import type {
  AllowedTerm, Category, CheckResult, CompassionEntry, FilterAction, MeritSummary, NewSutra, Review, Rule, RuleInput, Sutra, Term,
} from '../../../shared/dharma';

// The wire shapes are declared once in src/shared; re-exported so the panels keep importing from here.
export { FILTER_ACTIONS } from '../../../shared/dharma';
export type {
  AllowedTerm, Category, CheckResult, CitationResult, CitationStatus, CompassionEntry, FilterAction, FilterHit, MeritSummary, NewSutra, Review, Rule, Sutra, Term,
} from '../../../shared/dharma';

const enc = encodeURIComponent;

/** Filter categories with their action and number of enabled terms. */
export async function fetchCategories(api: ApiClient): Promise<Category[]> {
  return (await api.request<{ categories: Category[] }>('GET', '/api/dharma/categories')).categories;
}
/** Sets what a category does; returns every category. */
export async function setCategoryAction(api: ApiClient, id: string, action: FilterAction): Promise<Category[]> {
  return (await api.request<{ categories: Category[] }>('PUT', `/api/dharma/categories/${enc(id)}`, { action })).categories;
}
/** A page of terms matching a search. */
export function fetchTerms(api: ApiClient, q: { q?: string; category?: string; enabled?: boolean; limit?: number; offset?: number }): Promise<{ terms: Term[]; hasMore: boolean }> {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  if (q.category) p.set('category', q.category);
  if (q.enabled !== undefined) p.set('enabled', String(q.enabled));
  p.set('limit', String(q.limit ?? 50));
  if (q.offset) p.set('offset', String(q.offset));
  return api.request('GET', `/api/dharma/terms?${p}`);
}
/** Adds (or re-enables) a term. */
export async function addTerm(api: ApiClient, term: string, category: string): Promise<Term> {
  return (await api.request<{ term: Term }>('POST', '/api/dharma/terms', { term, category })).term;
}
/** Disables a term. */
export async function removeTerm(api: ApiClient, id: number): Promise<void> {
  await api.request('DELETE', `/api/dharma/terms/${id}`);
}
/** The allow-list. */
export async function fetchAllowed(api: ApiClient): Promise<AllowedTerm[]> {
  return (await api.request<{ terms: AllowedTerm[] }>('GET', '/api/dharma/allow')).terms;
}
/** Allows a term. */
export async function addAllowed(api: ApiClient, term: string): Promise<AllowedTerm> {
  return (await api.request<{ term: AllowedTerm }>('POST', '/api/dharma/allow', { term })).term;
}
/** Removes an allowed term. */
export async function removeAllowed(api: ApiClient, id: number): Promise<void> {
  await api.request('DELETE', `/api/dharma/allow/${id}`);
}
/** What the filter and the citation check would do with a text (nothing is stored). */
export function checkText(api: ApiClient, text: string): Promise<CheckResult> {
  return api.request('POST', '/api/dharma/check', { text });
}
/** Review items, newest first. */
export async function fetchReviews(api: ApiClient, status: 'open' | 'resolved', limit = 100): Promise<Review[]> {
  return (await api.request<{ reviews: Review[] }>('GET', `/api/dharma/reviews?status=${status}&limit=${limit}`)).reviews;
}
/** Marks a review item done. */
export async function resolveReview(api: ApiClient, id: string): Promise<void> {
  await api.request('POST', `/api/dharma/reviews/${enc(id)}/resolve`);
}
/** The corpus (without contents). */
export async function fetchSutras(api: ApiClient): Promise<Sutra[]> {
  return (await api.request<{ sutras: Sutra[] }>('GET', '/api/dharma/sutras')).sutras;
}
/** Adds a text to the corpus. */
export async function addSutra(api: ApiClient, sutra: NewSutra): Promise<Sutra> {
  return (await api.request<{ sutra: Sutra }>('POST', '/api/dharma/sutras', sutra)).sutra;
}
/** Removes a text an admin added. */
export async function removeSutra(api: ApiClient, id: string): Promise<void> {
  await api.request('DELETE', `/api/dharma/sutras/${enc(id)}`);
}
/** Automatic reply rules. */
export async function fetchRules(api: ApiClient): Promise<Rule[]> {
  return (await api.request<{ rules: Rule[] }>('GET', '/api/dharma/rules')).rules;
}
/** Adds a rule (a misquote in the reply is refused with unverified_citation). */
export async function addRule(api: ApiClient, rule: RuleInput): Promise<Rule> {
  return (await api.request<{ rule: Rule }>('POST', '/api/dharma/rules', rule)).rule;
}
/** Changes a rule. */
export async function updateRule(api: ApiClient, id: string, change: Partial<RuleInput>): Promise<Rule> {
  return (await api.request<{ rule: Rule }>('PATCH', `/api/dharma/rules/${enc(id)}`, change)).rule;
}
/** Deletes a rule. */
export async function deleteRule(api: ApiClient, id: string): Promise<void> {
  await api.request('DELETE', `/api/dharma/rules/${enc(id)}`);
}
/** The compassion pool. */
export async function fetchCompassion(api: ApiClient): Promise<CompassionEntry[]> {
  return (await api.request<{ entries: CompassionEntry[] }>('GET', '/api/dharma/compassion')).entries;
}
/** Adds a compassion reply (quotes verified). */
export async function addCompassion(api: ApiClient, text: string): Promise<CompassionEntry> {
  return (await api.request<{ entry: CompassionEntry }>('POST', '/api/dharma/compassion', { text })).entry;
}
/** Removes a compassion reply. */
export async function removeCompassion(api: ApiClient, id: string): Promise<void> {
  await api.request('DELETE', `/api/dharma/compassion/${enc(id)}`);
}
/** My merit total and recent entries. */
export function fetchMyMerit(api: ApiClient): Promise<MeritSummary> {
  return api.request('GET', '/api/merit/me');
}

/** Splits "煩惱, 憂愁；苦惱" into keywords (commas of either width, semicolons, new lines). */
export function splitKeywords(s: string): string[] {
  return [...new Set(s.split(/[,，、;；\n]+/).map((k) => k.trim()).filter(Boolean))];
}

/** Letters only: punctuation, symbols and spaces do not count when judging how close a passage is. */
function core(s: string): string {
  return s.replace(/[\p{P}\p{S}\s]/gu, '');
}

/**
 * True when the authentic passage is close enough to stand in for the quote (a few characters
 * off). A far passage is only the nearest words in that sutra: worth reading, not pasting.
 */
export function closeEnough(quote: string, distance: number | null | undefined): boolean {
  return typeof distance === 'number' && distance <= Math.max(2, Math.floor(core(quote).length / 3));
}
