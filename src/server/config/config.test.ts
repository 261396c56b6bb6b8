import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded setup with dev login', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, databaseUrl: null, redisUrl: null, jwtSecret: null, devLogin: true, services: ['web', 'ws', 'worker', 'cron'] });
    expect(c.dataDir).toMatch(/\/data$/);
  });

  it('names the wrong variable and why', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: must be a port number/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must start with postgres/);
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ SERVICES: 'web,chef' })).toThrow(/SERVICES: unknown role\(s\) chef/);
    expect(() => loadConfig({ LOTUSDESK_JWT_SECRET: 'short' })).toThrow(/LOTUSDESK_JWT_SECRET: must be at least 16/);
  });

  it('refuses production without a JWT secret and disables dev login with one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/LOTUSDESK_JWT_SECRET: required when NODE_ENV=production/);
    const c = loadConfig({ NODE_ENV: 'production', LOTUSDESK_JWT_SECRET: 'a-very-long-shared-secret' });
    expect(c.devLogin).toBe(false);
    expect(loadConfig({ LOTUSDESK_JWT_SECRET: 'a-very-long-shared-secret' }).devLogin).toBe(false);
  });

  it('takes the sutra corpus by name or as a folder with a catalog.tsv', () => {
    expect(loadConfig({}).sutraCorpus).toBe('canon');
    expect(loadConfig({ LOTUSDESK_SUTRA_CORPUS: 'core' }).sutraCorpus).toBe('core');
    expect(loadConfig({ LOTUSDESK_SUTRA_CORPUS: 'data/sutras-canon' }).sutraCorpus).toMatch(/\/data\/sutras-canon$/);
    expect(() => loadConfig({ LOTUSDESK_SUTRA_CORPUS: '/nonexistent/corpus' })).toThrow(/LOTUSDESK_SUTRA_CORPUS: must be canon, core or a folder holding a catalog.tsv/);
  });

  it('parses a split of roles', () => {
    expect(loadConfig({ SERVICES: 'ws, worker' }).services).toEqual(['ws', 'worker']);
  });
});
