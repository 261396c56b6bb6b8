/**
 * Composition root: builds every service from the configuration and registers the routes of
 * each domain. Domains plug in here with one line each (see `registerDomains`).
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Bus } from './bus/bus';
import { MemoryBus } from './bus/memory-bus';
import { RedisBus } from './bus/redis-bus';
import { Metrics } from './ops/metrics';
import { pendingPositions } from './desk/queue';
import { ChatEvents } from './chat/chat-events';
import { ChatFactsCache, ChatService } from './chat/chat-service';
import { Gateway } from './chat/gateway';
import { History } from './chat/history';
import { MessageStore } from './chat/message-store';
import { MessagePipeline } from './chat/pipeline';
import { ReadReceipts } from './chat/read-receipts';
import { chatRoutes } from './chat/routes';
import type { Config } from './config/config';
import { openDatabase, type DatabaseHandle } from './db/database';
import { makeAuthenticate } from './http/auth';
import { installErrorHandling } from './http/error-handler';
import { installValidation } from './http/validation';
import { systemRoutes, type ReadinessProbe } from './http/system-routes';
import { DEMO_USERS, devSecret } from './identity/dev';
import { identityRoutes } from './identity/routes';
import { TokenService } from './identity/tokens';
import { UserDirectory } from './identity/users';

/** Everything a running LotusDesk process holds; tests reach services through it. */
export interface LotusDesk {
  app: FastifyInstance;
  config: Config;
  database: DatabaseHandle;
  bus: Bus;
  tokens: TokenService;
  users: UserDirectory;
  chats: ChatService;
  pipeline: MessagePipeline;
  store: MessageStore;
  gateway: Gateway;
  readiness: ReadinessProbe[];
  metrics: Metrics;
  /** Stops accepting, finishes in-flight writes, closes sockets and the database. */
  close(): Promise<void>;
}

/** Builds the application (not yet listening). */
export async function buildApp(config: Config, opts: { bus?: Bus } = {}): Promise<LotusDesk> {
  const app = Fastify({
    logger: { level: config.logLevel },
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    // One line per request is noise at info level; structured request logs are there at debug.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
  });
  installErrorHandling(app);
  installValidation(app);

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const db = database.db;
  const metrics = new Metrics();
  const onBusError = (err: unknown, context: string) => {
    if (context.startsWith('job') || context.startsWith('worker')) metrics.jobFailures.inc({ job: context.split(' ')[1] ?? 'unknown' });
    app.log.error({ err }, context);
  };
  const bus: Bus = opts.bus ?? (config.redisUrl ? new RedisBus({ url: config.redisUrl, prefix: config.redisPrefix, onError: onBusError }) : new MemoryBus(onBusError));
  if (bus instanceof RedisBus) {
    // Start even if Redis is down (readiness says so); local connections work meanwhile.
    await bus.ready(5000).catch((err) => app.log.warn({ err }, 'Redis is not answering yet; serving local connections only'));
  }
  const tokens = new TokenService(config.jwtSecret ?? devSecret(config.dataDir));
  const users = new UserDirectory(db);
  const events = new ChatEvents(bus);
  const facts = new ChatFactsCache();
  const chats = new ChatService(db, events, users, facts);
  const store = new MessageStore(db, {
    windowMs: config.groupCommitMs,
    maxInFlight: 1,
    onBatch: (written) => {
      metrics.batches.inc();
      for (const w of written) metrics.messages.inc({ kind: w.message.kind });
    },
  });
  const history = new History(db);
  const reads = new ReadReceipts(db, chats, events);
  const pipeline = new MessagePipeline(db, store, chats, events, app.log);
  const authenticate = makeAuthenticate(tokens, users);

  // Every node keeps its access facts current from the bus, whichever node changed the chat.
  bus.subscribe((e) => {
    if (e.type === 'chat.updated') facts.set(e.chat.id, { memberId: e.chat.memberId, assigneeId: e.chat.assigneeId, status: e.chat.status });
  });

  const gateway = new Gateway({
    bus, tokens, users, chats, events, pipeline, history, reads,
    rate: { perSec: config.rateLimit.framesPerSec, burst: config.rateLimit.burst },
    heartbeatMs: config.heartbeatMs,
    log: app.log,
    metrics: metrics.gatewayHooks(),
  });
  if (bus instanceof RedisBus) bus.onReconnect(() => void gateway.resync());

  await app.register(swagger, {
    openapi: {
      info: { title: 'LotusDesk 蓮心客服 API', version: '1.0.0', description: 'HTTP part of the LotusDesk wire contract (docs/PROTOCOL.md).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });

  const readiness: ReadinessProbe[] = [
    { name: 'database', check: () => database.ping() },
    ...(bus.kind === 'redis' ? [{ name: 'redis', check: () => bus.healthy() }] : []),
  ];
  await app.register(systemRoutes, { probes: readiness });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    metrics.pendingChats.set((await pendingPositions(db)).size);
    if (bus instanceof RedisBus) {
      metrics.busLag.set(bus.stats.lastLagMs / 1000);
      for (const [queue, counts] of Object.entries(await bus.queueCounts().catch(() => ({})))) {
        for (const [state, n] of Object.entries(counts)) metrics.jobQueue.set({ queue, state }, n);
      }
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  // Process roles: `web` serves the HTTP API, `ws` the WebSocket gateway; health, readiness and
  // metrics are always there so every role can be probed.
  const roles = new Set(config.services);
  if (roles.has('web')) {
    await app.register(identityRoutes, { tokens, authenticate, devLogin: config.devLogin });
    await app.register(chatRoutes, { chats, history, pipeline, authenticate });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }
  if (roles.has('ws')) await app.register(async (scoped) => gateway.register(scoped));

  if (config.devLogin) {
    for (const u of DEMO_USERS) await users.fromClaims(u);
  }

  let closed = false;
  return {
    app, config, database, bus, tokens, users, chats, pipeline, store, gateway, readiness, metrics,
    async close() {
      if (closed) return;
      closed = true;
      await gateway.drain();
      await store.drain();
      await app.close();
      await bus.close();
      await database.close();
    },
  };
}
