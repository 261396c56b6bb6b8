/**
 * Named prepared statements on PGlite. Its `query()` sends every statement unnamed (parse,
 * describe, bind, describe, execute, sync), so PostgreSQL parses and plans it again each time; on
 * PGlite that is the event loop's own CPU, paid by every group commit whatever the batch holds
 * (see docs/decisions/002). A statement parsed once under a name is only bound and executed after
 * that, and PostgreSQL may keep its plan.
 *
 * The messages go through PGlite's own protocol entry point, under the same two locks its
 * `query()` takes, and inside the Kysely connection, which the PGlite dialect hands to one user at
 * a time: a transaction another caller holds open is never interleaved with.
 */
import { parse as pgliteParse, protocol, type PGlite } from '@electric-sql/pglite';
import type { Db, PreparedRunner } from './db-types';

type BackendMessage = Parameters<typeof pgliteParse.parseResults>[0][number];

/** PGlite's lock methods: public on the instance, though not in its documented surface. */
interface PGliteLocks {
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
}

export function pglitePrepared(client: PGlite, db: Db): PreparedRunner {
  const parsed = new Set<string>();
  const locks = client as unknown as PGliteLocks;
  const send = (message: Uint8Array) => client.execProtocolStream(message, { syncToFs: false });

  return <R>(name: string, text: string, parameters: readonly unknown[]) =>
    db.connection().execute(() =>
      locks._runExclusiveTransaction(() =>
        locks._runExclusiveQuery(async () => {
          const messages: BackendMessage[] = [];
          try {
            if (!parsed.has(name)) {
              // Parameter types come from the statement's own casts ($1::uuid[] …).
              await send(protocol.serialize.parse({ name, text }));
              parsed.add(name);
            }
            const values = parameters.map((v) => (v === null || v === undefined ? null : String(v)));
            messages.push(...(await send(protocol.serialize.bind({ statement: name, values }))));
            messages.push(...(await send(protocol.serialize.describe({ type: 'P' }))));
            messages.push(...(await send(protocol.serialize.execute({}))));
          } finally {
            // After an error the backend skips to the next sync: always send it.
            messages.push(...(await send(protocol.serialize.sync())));
          }
          await client.syncToFs();
          // The instance's own parsers (int8 as numbers, dates as strings: database.ts).
          return pgliteParse.parseResults(messages, client.parsers)[0].rows as R[];
        }),
      ),
    );
}
