/**
 * The PostgreSQL client tools (pg_dump, pg_restore): the newest installed under
 * /usr/lib/postgresql/<version>/bin (Debian keeps several side by side), else whatever is on PATH.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Absolute path (or bare name for PATH lookup) of a PostgreSQL client tool. */
export function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const p = join(base, v, 'bin', name);
      if (existsSync(p)) return p;
    }
  }
  return name;
}

/**
 * Splits a connection URL into a password-free URL and the password, so the password travels in
 * PGPASSWORD and not on a command line anyone can read with `ps`.
 */
export function connectionArgs(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(databaseUrl);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), env: password ? { ...process.env, PGPASSWORD: password } : { ...process.env } };
}

/**
 * Runs a tool, calling `onLine` for each line it writes to stderr (the --verbose log), and
 * rejects with the tail of stderr when it fails.
 */
export function runTool(cmd: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void = () => {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let buffered = '';
    const tail: string[] = [];
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => {
      buffered += String(d);
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine(line);
      }
    });
    child.on('error', (err) => reject(new Error(`${cmd} could not run (${err.message}); install the PostgreSQL client tools`)));
    child.on('close', (code) => {
      if (code === 0) return resolve(stdout);
      reject(new Error(`${cmd} exited with ${code}: ${tail.filter((l) => !/^\S+: (processing|dumping|reading|creating|executing|saving|last built-in)/.test(l)).slice(-5).join(' | ') || tail.slice(-3).join(' | ')}`));
    });
  });
}
