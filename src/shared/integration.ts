/**
 * The shop's integration contract (docs/PROTOCOL.md part 2, "Identity (added)" and "Domain events
 * and webhooks"): API key scopes, the event types a webhook may subscribe to, and the objects the
 * routes return. Imported by the server and the web app's admin page.
 */

/** What an API key may do; each route that accepts keys names the one scope it needs. */
export const API_KEY_SCOPES = ['users:read', 'users:write', 'chats:read', 'stats:read', 'webhooks:manage'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Every API key starts with this, so a bearer token is told apart from a JWT by its first bytes. */
export const API_KEY_PREFIX = 'ldk_';

/**
 * The event types a webhook may subscribe to: the contract's catalogue. Internal events (a chat's
 * queue placement, staff notes) are not offered; types another feature has yet to record are
 * accepted and delivered as soon as they are recorded.
 */
export const WEBHOOK_EVENT_TYPES = [
  'chat.created',
  'chat.assigned',
  'chat.transferred',
  'chat.requeued',
  'chat.closed',
  'chat.rated',
  'message.created',
  'distress.raised',
  'member.certified',
  'merit.awarded',
  'chat.shredded',
  'report.daily',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An API key as listed (never the key itself). */
export interface ApiKeyDto {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** The first characters of the key, to recognise it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A webhook endpoint as listed (never its secret). */
export interface WebhookDto {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  createdAt: string;
  /** Set when the endpoint was disabled (after a day of failed deliveries). */
  disabledAt: string | null;
  disabledReason: string | null;
  /** Start of the current run of failed attempts, or null when the last attempt succeeded. */
  failingSince: string | null;
}

/** One delivery in an endpoint's log. */
export interface WebhookDeliveryDto {
  id: string;
  eventId: string;
  type: string;
  /** Attempts made so far. */
  attempt: number;
  status: 'pending' | 'delivered' | 'failed';
  /** The last attempt (or when the delivery was queued, before any attempt). */
  at: string;
  error?: string;
  responseStatus: number | null;
  nextAttemptAt: string | null;
}
