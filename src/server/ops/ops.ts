/**
 * Operations jobs: backups and retention run on the worker role as `ops.backup` and
 * `ops.retention`; the cron role schedules them once per cluster.
 */
import type { Kysely } from 'kysely';
import type { Bus } from '../bus/bus';
import type { Config } from '../config/config';
import type { DatabaseHandle } from '../db/database';
import { BackupService } from './backup/backup-service';
import type { ClusterCron } from './cron';
import type { Metrics } from './metrics';
import { RetentionService } from './retention';
import { UploadStorage } from '../uploads/storage';

/** Retention is checked hourly: cheap when nothing is due, and purges stay small. */
const RETENTION_EVERY_MS = 3_600_000;

export interface OpsDeps {
  bus: Bus;
  cron: ClusterCron | null;
  database: DatabaseHandle;
  config: Config;
  metrics: Metrics;
  log: { info(o: unknown, m?: string): void };
}

export interface Ops {
  backups: BackupService;
  retention: RetentionService;
}

/** Registers the ops workers and, in the cron role, their schedules. */
export function startOps(deps: OpsDeps): Ops {
  const { bus, cron, database, config, metrics, log } = deps;
  const backups = new BackupService(config.ops.backupDir, config.ops.backupKeep);
  const uploads = new UploadStorage(config.uploads.dir);
  const retention = new RetentionService(database.db, config.ops.retentionDays, (keys) => uploads.remove(...keys.map((k) => uploads.pathOf(k))));

  bus.work('ops.backup', async () => {
    try {
      const r = await backups.run({ databaseUrl: config.databaseUrl, ...(database.pglite ? { pglite: database.pglite, db: database.db as Kysely<unknown> } : {}) });
      metrics.backups.inc({ result: 'ok' });
      metrics.lastBackup.set(r.file.createdAt.getTime() / 1000);
      log.info({ file: r.file.path, bytes: r.file.bytes, ms: r.ms, rotated: r.removed.length }, 'backup written');
    } catch (err) {
      metrics.backups.inc({ result: 'failed' });
      throw err; // the bus retries with backoff, then keeps it as a dead letter
    }
  });
  bus.work('ops.retention', async () => {
    const r = await retention.purge();
    metrics.purgedChats.inc(r.chats);
    if (r.chats) log.info({ ...r, days: config.ops.retentionDays }, 'retention purged closed chats');
  });

  if (cron) {
    // The tick number as job id: even if two cron processes both enqueued a tick, BullMQ keeps one.
    if (config.ops.backupIntervalMs > 0) cron.every('ops.backup', config.ops.backupIntervalMs, (tick) => bus.enqueue('ops.backup', {}, { jobId: `tick-${tick}` }));
    if (retention.enabled) cron.every('ops.retention', RETENTION_EVERY_MS, (tick) => bus.enqueue('ops.retention', {}, { jobId: `tick-${tick}` }));
  }
  return { backups, retention };
}
