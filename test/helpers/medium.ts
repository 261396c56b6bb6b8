/**
 * The medium test tier: services with their real repositories on a real database, no HTTP, no
 * sockets. On PostgreSQL each call gets its own clone of the run's migrated and seeded template
 * (half a second); without a server, a migrated PGlite database in a temp directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusEvent } from '../../src/shared/bus-events';
import { MemoryBus } from '../../src/server/bus/memory-bus';
import { EventHub } from '../../src/server/events/hub';
import { ChatEvents } from '../../src/server/chat/chat-events';
import { ChatFactsCache, ChatService } from '../../src/server/chat/chat-service';
import { openDatabase, type DatabaseHandle, type Db } from '../../src/server/db/database';
import { systemClock, type Clock } from '../../src/server/core/clock';
import { UserDirectory } from '../../src/server/identity/users';
import { clonedPostgresDatabase } from './template-db';

/** What a medium test builds its service from; `published` records every bus event. */
export interface MediumContext {
  database: DatabaseHandle;
  db: Db;
  bus: MemoryBus;
  published: BusEvent[];
  users: UserDirectory;
  /** The event hub (no listeners: the test sees what is published on `bus`). */
  hub: EventHub;
  events: ChatEvents;
  chats: ChatService;
  clock: Clock;
  close(): Promise<void>;
}

/** Opens a database of its own (a template clone on PostgreSQL) and the core chat services on it. */
export async function openMedium(opts: { clock?: Clock } = {}): Promise<MediumContext> {
  const base = process.env.TEST_DATABASE_URL;
  const dataDir = mkdtempSync(join(tmpdir(), 'lotusdesk-medium-'));
  const database = await openDatabase({ databaseUrl: base ? await clonedPostgresDatabase(base) : null, dataDir });
  const clock = opts.clock ?? systemClock;
  const bus = new MemoryBus();
  const published: BusEvent[] = [];
  bus.subscribe((e) => published.push(e));
  const users = new UserDirectory(database.db);
  const hub = new EventHub({ bus, db: database.db, log: { error: () => {}, warn: () => {} } });
  const events = new ChatEvents(hub);
  const chats = new ChatService(database.db, events, users, new ChatFactsCache(), hub, clock);
  return {
    database, db: database.db, bus, hub, published, users, events, chats, clock,
    async close() {
      await hub.drain();
      await bus.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
