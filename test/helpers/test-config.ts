/** The configuration every test server starts with (template builds use it too, so clones match). */
import { loadConfig, type Config } from '../../src/server/config/config';

export const TEST_SECRET = 'test-secret-0123456789abcdef';

/** A test server's configuration: random port, known JWT secret, `env` overriding the rest. */
export function testConfig(dataDir: string, databaseUrl: string | null, env: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOTUSDESK_DATA_DIR: dataDir,
    LOTUSDESK_JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'warn',
    // Dozens of test servers: score on the event loop (test/scoring-thread.test.ts covers the thread).
    LOTUSDESK_SCORING_THREAD: 'off',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
}
