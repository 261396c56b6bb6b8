/**
 * The database's handle types, shared by the opener (`database.ts`) and the PGlite prepared
 * statement runner it builds (`pglite-prepared.ts`).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema';

export type Db = Kysely<Database>;

/**
 * Runs a statement the database keeps prepared per connection (node-postgres: a named statement,
 * parsed and planned once per pooled connection). For the few statements that run many times a
 * second with the same text, whose parsing and planning would otherwise be a large part of their
 * round trip (see docs/decisions/002).
 */
export type PreparedRunner = <R>(name: string, text: string, parameters: readonly unknown[]) => Promise<R[]>;
