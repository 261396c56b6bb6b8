/**
 * PostgreSQL databases for tests, named after the test run so its teardown drops exactly its own.
 *
 * Migrating and seeding (about 51k filter terms) costs seconds per database, so the first caller of
 * a run builds one template by starting the app on it once (migrations and Dharma seeding exactly
 * as `buildApp` runs them), closes it and forbids connections to it; every later test database is
 * `CREATE DATABASE … TEMPLATE …`, a file-level copy. PostgreSQL refuses to copy a database anyone
 * is connected to, hence no connection to the template ever stays open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/server/app';
import { testConfig } from './test-config';
import { newDatabaseName, urlFor, withClient } from './test-run';

/** Creates an empty PostgreSQL database (no migrations) and returns its URL. */
export async function emptyPostgresDatabase(baseUrl: string): Promise<string> {
  const name = newDatabaseName();
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  return urlFor(baseUrl, name);
}

let template: Promise<string> | null = null;

/**
 * The run's template database (migrated and seeded), built by the first caller of any worker:
 * an advisory lock makes the others wait, then find it. A template still accepting connections
 * is a build that died half-way; it is dropped and built again.
 */
export function templateDatabase(baseUrl: string): Promise<string> {
  template ??= ensureTemplate(baseUrl).catch((err) => {
    template = null;
    throw err;
  });
  return template;
}

async function ensureTemplate(baseUrl: string): Promise<string> {
  const name = newDatabaseName('template');
  return withClient(baseUrl, async (c) => {
    await c.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      const { rows } = await c.query<{ datallowconn: boolean }>('SELECT datallowconn FROM pg_database WHERE datname = $1', [name]);
      if (rows[0] && !rows[0].datallowconn) return name;
      if (rows[0]) await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
      try {
        await seedByStartingTheApp(urlFor(baseUrl, name));
        await c.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      } catch (err) {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
        throw err;
      }
      return name;
    } finally {
      await c.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => {});
    }
  });
}

/** Starts the app on the database with the test configuration, waits for Dharma's seeding, closes it. */
async function seedByStartingTheApp(databaseUrl: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lotusdesk-template-'));
  try {
    const desk = await buildApp(testConfig(dataDir, databaseUrl));
    try {
      await desk.dharma.whenReady();
    } finally {
      await desk.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A new database cloned from the run's migrated and seeded template; returns its URL. */
export async function clonedPostgresDatabase(baseUrl: string): Promise<string> {
  const tpl = await templateDatabase(baseUrl);
  const name = newDatabaseName();
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`));
  return urlFor(baseUrl, name);
}
