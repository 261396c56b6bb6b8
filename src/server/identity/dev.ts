/**
 * The embedded default's conveniences: a dev secret kept in the data directory (so tokens survive a
 * restart) and demo users. Never used when LOTUSDESK_JWT_SECRET is set or in production.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../shared/protocol';

export const DEMO_USERS: ReadonlyArray<{ sub: string; name: string; role: Role }> = [
  { sub: 'demo-member', name: '林居士', role: 'member' },
  { sub: 'demo-agent-1', name: '客服小蓮', role: 'agent' },
  { sub: 'demo-agent-2', name: '客服慧明', role: 'agent' },
  { sub: 'demo-master', name: '淨心法師', role: 'master' },
  { sub: 'demo-supervisor', name: '主管妙音', role: 'supervisor' },
  { sub: 'demo-admin', name: '管理員', role: 'admin' },
];

/** Reads or creates the dev signing secret under the data directory. */
export function devSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'dev-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
