/**
 * Webhooks (docs/PROTOCOL.md part 2, "Domain events and webhooks").
 *
 * - A once-listener of the hub turns each subscribed event into one `webhook_deliveries` row per
 *   endpoint (unique by endpoint and event id, so an event handled twice is delivered once) and
 *   queues a `webhook.deliver` job carrying only the row's id. The row is the truth.
 * - A job claims its row atomically (due, pending, not locked by another attempt), makes one
 *   signed attempt and records it. A failure schedules the next attempt as a delayed job after the
 *   configured wait (first retry within 10 s by default, the last wait repeating), so the backoff
 *   is the webhook's, whatever the bus's own retry policy for crashed jobs.
 * - The cron sweep re-queues rows still pending well past their time (their job was lost with a
 *   process, or its claim expired), so a restart loses no delivery.
 * - An endpoint failing without a single success for `disableAfterMs` (a day) is disabled, its
 *   pending deliveries are marked failed, and admins get a `webhook.disabled` frame.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { RecordedEvent } from '../../shared/bus-events';
import type { DomainEvent } from '../../shared/domain-events';
import { WEBHOOK_EVENT_TYPES, type WebhookDeliveryDto, type WebhookDto, type WebhookEventType } from '../../shared/integration';
import type { MessageDto } from '../../shared/protocol';
import type { Bus } from '../bus/bus';
import type { Config } from '../config/config';
import type { Db } from '../db/database';
import type { DomainHandlers, EventHub, Listener } from '../events/hub';
import { AppError } from '../core/errors';
import type { ClusterCron } from '../ops/cron';
import { assertPublicTarget, PrivateAddressError } from './address';
import { sendAttempt, type AttemptResult } from './sender';

/** How overdue a pending delivery must be before the sweep re-queues it (its own job comes first). */
const SWEEP_OVERDUE_MS = 3000;
const SWEEP_EVERY_MS = 2000;
/** How long an attempt holds its row beyond the request timeout. */
const CLAIM_MARGIN_MS = 30_000;
/** How long the list of active endpoints is reused (changes made on this node apply at once). */
const ACTIVE_TTL_MS = 1000;

export interface WebhookDeps {
  db: Db;
  bus: Bus;
  hub: EventHub;
  cron: ClusterCron | null;
  config: Config['webhooks'];
  log: { warn(o: unknown, m?: string): void; error(o: unknown, m?: string): void };
}

/** The webhook object as created (the only time its secret is shown). */
export interface CreatedWebhook {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  secret: string;
  createdAt: string;
}

type WebhookRow = { id: string; url: string; events: string[]; description: string | null; created_at: Date; disabled_at: Date | null; disabled_reason: string | null; failing_since: Date | null };

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function presentWebhook(row: WebhookRow): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEventType[],
    description: row.description,
    createdAt: iso(row.created_at)!,
    disabledAt: iso(row.disabled_at),
    disabledReason: row.disabled_reason,
    failingSince: iso(row.failing_since),
  };
}

/** A job id per attempt of a delivery (BullMQ refuses ':' in custom ids). */
function jobId(deliveryId: string, ...parts: Array<string | number>): string {
  return [deliveryId, ...parts].join('.');
}

/** The `message.created` event of a stored message: ids and kind, never its text. */
export function messageCreatedEvent(m: MessageDto): DomainEvent<'message.created'> {
  return {
    // A message is stored once, so its id is the event's id: every node derives the same event.
    id: m.id,
    type: 'message.created',
    createdAt: m.createdAt,
    data: { chatId: m.chatId, messageId: m.id, seq: m.seq, kind: m.kind, senderId: m.senderId, senderRole: m.senderRole },
  };
}

export class Webhooks {
  private active: { at: number; list: Array<{ id: string; events: Set<string> }> } | null = null;

  constructor(private readonly deps: WebhookDeps) {}

  /** The once-listener: each subscribed event becomes deliveries. */
  readonly listener: Listener = {
    name: 'integration.webhooks',
    scope: 'once',
    // Every catalogue type, including those another feature has yet to record.
    on: Object.fromEntries(
      WEBHOOK_EVENT_TYPES.filter((t) => t !== 'message.created').map((t) => [t, (event: RecordedEvent) => this.fanOut(event)]),
    ) as DomainHandlers,
    onMessage: (message: MessageDto) => this.fanOut(messageCreatedEvent(message)),
  };

  /** Registers the delivery job and, in the cron role, the sweep. */
  start(): void {
    this.deps.bus.work('webhook.deliver', async ({ deliveryId }) => {
      await this.attempt(deliveryId);
    });
    this.deps.cron?.every('webhooks.sweep', SWEEP_EVERY_MS, (tick) => this.sweep(tick));
  }

  /** Saves an endpoint; 400 invalid for a bad URL or (without the allowance) a private target. */
  async create(input: { url: string; events: WebhookEventType[]; description?: string }, by: { userId: string | null; keyId: string | null }): Promise<CreatedWebhook> {
    const url = await this.checkTarget(input.url);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const row = await this.deps.db
      .insertInto('webhooks')
      .values({ url, events: [...new Set(input.events)], description: input.description?.trim() || null, secret, created_by: by.userId, created_by_key: by.keyId })
      .returning(['id', 'url', 'events', 'description', 'created_at'])
      .executeTakeFirstOrThrow();
    this.active = null;
    return { id: row.id, url: row.url, events: row.events as WebhookEventType[], description: row.description, secret, createdAt: iso(row.created_at)! };
  }

  /** Every endpoint, newest first (without secrets). */
  async list(): Promise<WebhookDto[]> {
    const rows = await this.deps.db
      .selectFrom('webhooks')
      .select(['id', 'url', 'events', 'description', 'created_at', 'disabled_at', 'disabled_reason', 'failing_since'])
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(presentWebhook);
  }

  /** Deletes an endpoint and its delivery log; 404 when there is none. */
  async remove(id: string): Promise<void> {
    const row = await this.deps.db.deleteFrom('webhooks').where('id', '=', id).returning('id').executeTakeFirst();
    if (!row) throw new AppError('not_found');
    this.active = null;
  }

  /** Turns a disabled endpoint back on (its failure run starts afresh). */
  async enable(id: string): Promise<WebhookDto> {
    const row = await this.deps.db
      .updateTable('webhooks')
      .set({ disabled_at: null, disabled_reason: null, failing_since: null })
      .where('id', '=', id)
      .returning(['id', 'url', 'events', 'description', 'created_at', 'disabled_at', 'disabled_reason', 'failing_since'])
      .executeTakeFirst();
    if (!row) throw new AppError('not_found');
    this.active = null;
    return presentWebhook(row);
  }

  /** The endpoint's delivery log, newest first. */
  async deliveries(webhookId: string, limit = 100): Promise<WebhookDeliveryDto[]> {
    await this.mustExist(webhookId);
    const rows = await this.deps.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'event_id', 'type', 'attempts', 'status', 'created_at', 'last_attempt_at', 'error', 'response_status', 'next_attempt_at'])
      .where('webhook_id', '=', webhookId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      type: r.type,
      attempt: r.attempts,
      status: r.status,
      at: iso(r.last_attempt_at ?? r.created_at)!,
      ...(r.error ? { error: r.error } : {}),
      responseStatus: r.response_status,
      nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    }));
  }

  /** Sends a delivery again (same event id and body), whatever its state; 404 if unknown. */
  async replay(webhookId: string, eventId: string): Promise<void> {
    await this.mustExist(webhookId);
    const row = await this.deps.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: sql<Date>`now()`, locked_until: null, error: null })
      .where('webhook_id', '=', webhookId)
      .where('event_id', '=', eventId)
      .returning(['id', 'attempts'])
      .executeTakeFirst();
    if (!row) throw new AppError('not_found');
    await this.deps.bus.enqueue('webhook.deliver', { deliveryId: row.id }, { jobId: jobId(row.id, 'replay', row.attempts, Date.now()) });
  }

  /** Re-queues deliveries still pending well past their time. */
  async sweep(tick: number): Promise<number> {
    const rows = await this.deps.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<', sql<Date>`now() - make_interval(secs => ${SWEEP_OVERDUE_MS / 1000})`)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
      .orderBy('next_attempt_at')
      .limit(200)
      .execute();
    for (const r of rows) await this.deps.bus.enqueue('webhook.deliver', { deliveryId: r.id }, { jobId: jobId(r.id, 'sweep', tick) });
    return rows.length;
  }

  /** Records deliveries of one event for its subscribers and queues them (idempotent by event id). */
  private async fanOut(event: { id: string; type: string; createdAt: string; data: unknown }): Promise<void> {
    const subscribers = (await this.activeEndpoints()).filter((w) => w.events.has(event.type));
    if (subscribers.length === 0) return;
    // The body is fixed here, so every attempt signs and sends the same bytes.
    const body = JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt, data: event.data });
    const rows = await this.deps.db
      .insertInto('webhook_deliveries')
      .values(subscribers.map((w) => ({ webhook_id: w.id, event_id: event.id, type: event.type, body })))
      .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
      .returning('id')
      .execute();
    for (const r of rows) {
      // A row whose job could not be queued is still pending: the sweep queues it.
      await this.deps.bus.enqueue('webhook.deliver', { deliveryId: r.id }, { jobId: jobId(r.id, 1) }).catch((err) => this.deps.log.warn({ err, deliveryId: r.id }, 'webhook delivery not queued; the sweep will'));
    }
  }

  private async activeEndpoints(): Promise<Array<{ id: string; events: Set<string> }>> {
    if (this.active && Date.now() - this.active.at < ACTIVE_TTL_MS) return this.active.list;
    const rows = await this.deps.db.selectFrom('webhooks').select(['id', 'events']).where('disabled_at', 'is', null).execute();
    this.active = { at: Date.now(), list: rows.map((r) => ({ id: r.id, events: new Set(r.events) })) };
    return this.active.list;
  }

  /** One attempt of a delivery, if it is due and no other attempt holds it. */
  async attempt(deliveryId: string): Promise<void> {
    const { db, config } = this.deps;
    const claimed = await db
      .updateTable('webhook_deliveries')
      .set({
        attempts: sql<number>`attempts + 1`,
        last_attempt_at: sql<Date>`now()`,
        locked_until: sql<Date>`now() + make_interval(secs => ${(config.timeoutMs + CLAIM_MARGIN_MS) / 1000})`,
      })
      .where('id', '=', deliveryId)
      .where('status', '=', 'pending')
      // A delayed job may fire a little early against the database's clock.
      .where('next_attempt_at', '<=', sql<Date>`now() + interval '1 second'`)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
      .returning(['id', 'webhook_id', 'event_id', 'type', 'body', 'attempts'])
      .executeTakeFirst();
    if (!claimed) return;
    const hook = await db.selectFrom('webhooks').select(['url', 'secret', 'disabled_at']).where('id', '=', claimed.webhook_id).executeTakeFirst();
    if (!hook || hook.disabled_at) {
      await this.settle(deliveryId, { status: 'failed', error: 'endpoint_disabled', response_status: null });
      return;
    }
    const result = await sendAttempt(
      { url: hook.url, secret: hook.secret, eventId: claimed.event_id, type: claimed.type, body: claimed.body },
      { timeoutMs: config.timeoutMs, allowPrivate: config.allowPrivate },
    );
    if (result.ok) {
      await this.settle(deliveryId, { status: 'delivered', delivered_at: sql<Date>`now()`, error: null, response_status: result.status });
      await db.updateTable('webhooks').set({ failing_since: null, last_success_at: sql<Date>`now()` }).where('id', '=', claimed.webhook_id).execute();
      return;
    }
    await this.failed(claimed, result);
  }

  private async failed(d: { id: string; webhook_id: string; attempts: number }, result: AttemptResult & { ok: false }): Promise<void> {
    const { db, config } = this.deps;
    const window = config.disableAfterMs / 1000;
    const hook = await db
      .updateTable('webhooks')
      .set({ failing_since: sql<Date>`coalesce(failing_since, now())` })
      .where('id', '=', d.webhook_id)
      .returning(['url', 'failing_since', sql<boolean>`failing_since <= now() - make_interval(secs => ${window})`.as('expired')])
      .executeTakeFirst();
    if (hook?.expired) {
      await this.settle(d.id, { status: 'failed', error: result.error, response_status: result.status });
      await this.disable(d.webhook_id, hook.url, hook.failing_since!);
      return;
    }
    // A delivery is given up a day after its event, even if its endpoint answers other events.
    const wait = config.retryDelaysMs[Math.min(d.attempts - 1, config.retryDelaysMs.length - 1)]!;
    const next = await db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: sql<Date>`now() + make_interval(secs => ${wait / 1000})`, locked_until: null, error: result.error, response_status: result.status })
      .where('id', '=', d.id)
      .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${window})`)
      .returning('id')
      .executeTakeFirst();
    if (!next) {
      await this.settle(d.id, { status: 'failed', error: result.error, response_status: result.status });
      return;
    }
    await this.deps.bus
      .enqueue('webhook.deliver', { deliveryId: d.id }, { jobId: jobId(d.id, d.attempts + 1), delayMs: wait })
      .catch((err) => this.deps.log.warn({ err, deliveryId: d.id }, 'webhook retry not queued; the sweep will'));
  }

  /** Disables an endpoint that failed for the whole window, once, and tells the admins. */
  private async disable(webhookId: string, url: string, failingSince: Date): Promise<void> {
    const { db, hub, log } = this.deps;
    const done = await db
      .updateTable('webhooks')
      .set({ disabled_at: sql<Date>`now()`, disabled_reason: 'failing' })
      .where('id', '=', webhookId)
      .where('disabled_at', 'is', null)
      .returning('disabled_at')
      .executeTakeFirst();
    if (!done) return;
    this.active = null;
    await db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', error: 'endpoint_disabled', locked_until: null })
      .where('webhook_id', '=', webhookId)
      .where('status', '=', 'pending')
      .execute();
    log.warn({ webhookId, url }, 'webhook disabled after failing for the whole window');
    hub.signal({ userIds: [], roles: ['admin'] }, { type: 'webhook.disabled', webhookId, url, failingSince: new Date(failingSince).toISOString(), at: new Date(done.disabled_at!).toISOString() });
  }

  private async settle(
    id: string,
    set: { status: 'delivered' | 'failed'; error: string | null; response_status: number | null; delivered_at?: ReturnType<typeof sql<Date>> },
  ): Promise<void> {
    await this.deps.db.updateTable('webhook_deliveries').set({ ...set, locked_until: null }).where('id', '=', id).execute();
  }

  private async mustExist(webhookId: string): Promise<void> {
    const row = await this.deps.db.selectFrom('webhooks').select('id').where('id', '=', webhookId).executeTakeFirst();
    if (!row) throw new AppError('not_found');
  }

  /** Parses and checks an endpoint URL: http(s) only, and a public target unless allowed. */
  private async checkTarget(raw: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new AppError('invalid', { field: 'url', reason: 'bad_url' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('invalid', { field: 'url', reason: 'bad_url' });
    if (!this.deps.config.allowPrivate) {
      try {
        await assertPublicTarget(url);
      } catch (err) {
        if (err instanceof PrivateAddressError) throw new AppError('invalid', { field: 'url', reason: 'private_address' });
        throw new AppError('invalid', { field: 'url', reason: 'unresolvable_host' });
      }
    }
    return url.toString();
  }
}

