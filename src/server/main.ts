/**
 * Process entry point: read the configuration (fail fast), build the app, listen, print where
 * it is and how to log in, and shut down gracefully on SIGTERM/SIGINT.
 */
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config/config';
import { DEMO_USERS } from './identity/dev';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`LotusDesk cannot start.\n${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const desk = await buildApp(config);
  const address = await desk.app.listen({ port: config.port, host: config.host });
  const port = new URL(address).port;
  // Any-address listeners are reached as localhost; otherwise the URL names the address listened on
  // (with dev login that is 127.0.0.1, where "localhost" may resolve to ::1 first).
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shownHost}:${port}`;
  const lines = [
    '',
    `  LotusDesk 蓮心客服 is running at ${url}`,
    `  database: ${desk.database.kind === 'pglite' ? `PGlite (embedded) in ${config.dataDir}/db` : 'PostgreSQL'} · bus: ${desk.bus.kind} · roles: ${config.services.join(',')}`,
    `  API docs: ${url}/api/docs · WebSocket: ${url.replace(/^http/, 'ws')}/ws`,
  ];
  if (config.devLogin) {
    lines.push('', '  Demo users (dev login: POST /api/dev/login {"name","role"}):');
    for (const u of DEMO_USERS) lines.push(`    ${u.role.padEnd(10)} ${u.name}`);
    lines.push('', `  curl -s -XPOST ${url}/api/dev/login -H 'content-type: application/json' -d '{"name":"林居士","role":"member"}'`);
  }
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    desk.app.log.info({ signal }, 'shutting down: draining connections and in-flight writes');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await desk.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error('LotusDesk failed to start:', err);
  process.exit(1);
});
