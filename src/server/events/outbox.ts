/**
 * The outbox of domain events: `record` writes events inside the transaction of the change they
 * describe, so an event exists exactly when its change committed. Publishing happens after commit
 * (hub.ts); `published_at` says it did, and the relay (relay.ts) publishes what a node committed
 * but never published.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RecordedEvent } from '../../shared/bus-events';
import type { DomainEvent, DomainEventMap, RecordedEventType } from '../../shared/domain-events';
import type { Db } from '../db/database';

export type { RecordedEvent };

/** An event to record: its type and data. */
export type NewEvent = { [T in RecordedEventType]: { type: T; data: DomainEventMap[T] } }[RecordedEventType];

/** Builds a typed new event (keeps `type` and `data` checked together). */
export function newEvent<T extends RecordedEventType>(type: T, data: DomainEventMap[T]): NewEvent {
  return { type, data } as NewEvent;
}

/** Records events in the caller's transaction; returns them with their ids. */
export async function recordEvents(trx: Db, events: NewEvent[], now: Date = new Date()): Promise<RecordedEvent[]> {
  if (events.length === 0) return [];
  const recorded = events.map((e) => ({ id: randomUUID(), type: e.type, createdAt: now.toISOString(), data: e.data }) as RecordedEvent);
  await trx
    .insertInto('domain_events')
    .values(recorded.map((e) => ({ id: e.id, type: e.type, chat_id: chatIdOf(e), data: JSON.stringify(e.data), created_at: now })))
    .execute();
  return recorded;
}

/** Stamps events as published. */
export async function markPublished(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('domain_events').set({ published_at: sql<Date>`now()` }).where('id', 'in', ids).where('published_at', 'is', null).execute();
}

/** Events committed more than `olderThanMs` ago and never published, oldest first. */
export async function unpublishedEvents(db: Db, olderThanMs: number, limit = 200): Promise<RecordedEvent[]> {
  const rows = await db
    .selectFrom('domain_events')
    .select(['id', 'type', 'data', 'created_at'])
    .where('published_at', 'is', null)
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .orderBy('position')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, type: r.type, createdAt: new Date(r.created_at).toISOString(), data: r.data }) as RecordedEvent);
}

/** The events of one chat in the order they were recorded (audit, attestation, tests). */
export async function eventsOfChat(db: Db, chatId: string): Promise<RecordedEvent[]> {
  const rows = await db.selectFrom('domain_events').select(['id', 'type', 'data', 'created_at']).where('chat_id', '=', chatId).orderBy('position').execute();
  return rows.map((r) => ({ id: r.id, type: r.type, createdAt: new Date(r.created_at).toISOString(), data: r.data }) as RecordedEvent);
}

function chatIdOf(event: DomainEvent): string | null {
  const data = event.data as { chatId?: string };
  return data.chatId ?? null;
}
