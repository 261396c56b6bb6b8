/**
 * `npm run backup` and `npm run restore -- FILE [--force]`: the same backup code the cron role
 * runs, with progress bars. Reads the usual configuration (DATABASE_URL, LOTUSDESK_DATA_DIR,
 * LOTUSDESK_BACKUP_DIR, LOTUSDESK_BACKUP_KEEP).
 */
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig } from '../../config/config';
import { BackupService, restoreBackup } from './backup-service';
import { kindOf } from './files';
import type { Progress } from './progress';

function bar(): Progress {
  const b = new cliProgress.SingleBar(
    { format: '  {phase} [{bar}] {percentage}% {value}/{total} {item}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  let running = false;
  return {
    start(total, p) {
      if (running) b.stop();
      phase = p.padEnd(12);
      b.start(Math.max(total, 1), 0, { phase, item: '' });
      running = true;
    },
    update(value, item = '') {
      b.update(value, { phase, item });
    },
    stop() {
      if (running) b.stop();
      running = false;
    },
  };
}

function head(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(8);
    readSync(fd, buf, 0, 8, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** An open embedded database leaves postmaster.pid behind; opening it twice would corrupt it. */
function embeddedInUse(dir: string): boolean {
  return existsSync(join(dir, 'postmaster.pid'));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const force = rest.includes('--force');
  const args = rest.filter((a) => a !== '--force');
  const config = loadConfig();
  const pgliteDir = join(config.dataDir, 'db');

  if (command === 'backup') {
    const service = new BackupService(config.ops.backupDir, config.ops.backupKeep);
    let pglite;
    if (!config.databaseUrl) {
      if (!existsSync(pgliteDir)) throw new Error(`no embedded database at ${pgliteDir} (set LOTUSDESK_DATA_DIR or DATABASE_URL)`);
      if (embeddedInUse(pgliteDir) && !force) {
        throw new Error(
          `the embedded database in ${pgliteDir} is open (or was not closed cleanly). A running LotusDesk backs itself up every ` +
            `LOTUSDESK_BACKUP_INTERVAL_HOURS; stop it to take a backup now, or pass --force if it is not running.`,
        );
      }
      const { PGlite } = await import('@electric-sql/pglite');
      pglite = await PGlite.create(pgliteDir);
    }
    try {
      const r = await service.run({ databaseUrl: config.databaseUrl, ...(pglite ? { pglite } : {}) }, bar());
      console.log(`\nBackup written: ${r.file.path} (${(r.file.bytes / 1024).toFixed(1)} KiB, ${r.ms} ms)`);
      for (const p of r.removed) console.log(`Rotated away: ${p}`);
      console.log(`Kept ${service.list().length} of at most ${config.ops.backupKeep} in ${config.ops.backupDir}`);
    } finally {
      await pglite?.close();
    }
    return 0;
  }

  if (command === 'restore') {
    const file = args[0] ? resolve(args[0]) : '';
    if (!file) throw new Error('usage: npm run restore -- FILE [--force]   (backups are in ' + config.ops.backupDir + ')');
    if (!existsSync(file)) throw new Error(`no such file: ${file}`);
    const kind = kindOf(file, head(file));
    if (!kind) throw new Error(`${file} is neither a pg_dump custom-format file nor a PGlite data-directory dump`);
    if (kind === 'pglite' && embeddedInUse(pgliteDir) && !force) {
      throw new Error(`the embedded database in ${pgliteDir} is open (or was not closed cleanly); stop LotusDesk first, or pass --force if it is not running`);
    }
    console.log(`Restoring ${file} (${kind}) into ${kind === 'postgres' ? 'DATABASE_URL' : pgliteDir}`);
    const r = await restoreBackup(file, kind, { databaseUrl: config.databaseUrl, pgliteDir }, bar());
    if (r.movedAside) console.log(`\nThe previous database was moved to ${r.movedAside}`);
    console.log('\nRestore complete. Start LotusDesk as usual.');
    return 0;
  }

  console.error('usage: npm run backup | npm run restore -- FILE [--force]');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? `LotusDesk configuration: ${err.message}` : `\n${(err as Error).message ?? err}`);
    process.exit(1);
  },
);
