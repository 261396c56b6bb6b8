/**
 * Composition root: builds every service from the configuration and registers the routes of
 * each domain. Domains plug in here with one line each (see `registerDomains`).
 */
import { join } from 'node:path';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Bus } from './bus/bus';
import { MemoryBus } from './bus/memory-bus';
import { RedisBus } from './bus/redis-bus';
import { Metrics } from './ops/metrics';
import { metricsAccess } from './ops/metrics-access';
import { ClusterCron } from './ops/cron';
import { startOps, type Ops } from './ops/ops';
import { pendingPositions } from './desk/queue';
import { systemClock, type Clock } from './core/clock';
import { Desk } from './desk/desk';
import { deskRoutes } from './desk/routes';
import { Dharma } from './dharma/index';
import { dharmaRoutes } from './dharma/routes';
import { Insight } from './insight/insight';
import { insightRoutes } from './insight/routes';
import type { UserDirectory as Users } from './identity/users';
import { ChatEvents } from './chat/chat-events';
import { ChatFactsCache, ChatService, factsCacheListener } from './chat/chat-service';
import { deliveryListener } from './chat/delivery';
import { faultsFromEnv } from './core/faults';
import { EventHub } from './events/hub';
import { declareListeners } from './events/listeners';
import { MessageRelay, OutboxRelay } from './events/relay';
import { Gateway } from './chat/gateway';
import { History } from './chat/history';
import { MessageStore } from './chat/message-store';
import { MessagePipeline } from './chat/pipeline';
import { ReadReceipts } from './chat/read-receipts';
import { chatRoutes } from './chat/routes';
import { noteRoutes } from './chat/note-routes';
import { Ratings } from './chat/ratings';
import { serviceRoutes } from './chat/service-routes';
import { MessageSearch } from './search/search';
import { searchRoutes } from './search/routes';
import { UserRateLimiter } from './chat/user-rate-limit';
import { MemberChats } from './chat/member-chats';
import { memberRoutes } from './chat/member-routes';
import { uploadRoutes } from './uploads/routes';
import type { Config } from './config/config';
import { openDatabase, type DatabaseHandle } from './db/database';
import { TableStatistics } from './db/table-statistics';
import { makeAuthenticate } from './http/auth';
import { installErrorHandling } from './http/error-handler';
import { installValidation } from './http/validation';
import { installSecurityHeaders } from './http/security-headers';
import { systemRoutes, type ReadinessProbe } from './http/system-routes';
import { DEMO_USERS, devSecret } from './identity/dev';
import { identityRoutes } from './identity/routes';
import { TokenService } from './identity/tokens';
import { UserDirectory } from './identity/users';
import { webRoutes } from './web/static';
import { ApiKeys } from './integration/api-keys';
import { Webhooks } from './integration/webhooks';
import { integrationRoutes } from './integration/routes';
import { documentApiKeyScopes } from './integration/openapi';
import { DutyService } from './duty/duty';
import { dutyRoutes } from './duty/routes';
import { CannedReplies } from './desk/canned-replies';
import { cannedRoutes } from './desk/canned-routes';
import { Members } from './members/index';
import { membersRoutes } from './members/routes';
import { Trust } from './trust/trust';
import { trustRoutes } from './trust/routes';

/** Everything a running LotusDesk process holds; tests reach services through it. */
export interface LotusDesk {
  app: FastifyInstance;
  config: Config;
  database: DatabaseHandle;
  bus: Bus;
  /** The domain events' hub (events/listeners.ts declares who listens). */
  hub: EventHub;
  tokens: TokenService;
  users: UserDirectory;
  chats: ChatService;
  pipeline: MessagePipeline;
  store: MessageStore;
  gateway: Gateway;
  readiness: ReadinessProbe[];
  metrics: Metrics;
  desk: Desk;
  /** Masters on duty: holy days, windows, settings. */
  duty: DutyService;
  dharma: Dharma;
  /** Sentiment engine, analysis worker, distress detection. */
  insight: Insight;
  /** The shop's integration: API keys and webhooks. */
  integration: { apiKeys: ApiKeys; webhooks: Webhooks };
  /** Merit levels, 三寶 certification, offers, the daily leaderboard. */
  members: Members;
  /** Audit log and transparency log. */
  trust: Trust;
  ops: Ops;
  /** Staff message search (its index listener and sweep). */
  search: MessageSearch;
  /** Satisfaction ratings. */
  ratings: Ratings;
  /** Stops accepting, finishes in-flight writes, closes sockets and the database. */
  close(): Promise<void>;
}

/** Builds the application (not yet listening). */
/** How long busy HTTP connections may finish their responses once the server closes. */
const HTTP_CLOSE_GRACE_MS = 3000;

export async function buildApp(config: Config, opts: { bus?: Bus; clock?: Clock } = {}): Promise<LotusDesk> {
  const clock = opts.clock ?? systemClock;
  const app = Fastify({
    logger: { level: config.logLevel },
    // A proxy's X-Request-Id is kept (when it looks like an id) so one id follows a request
    // through the proxy's and our logs; otherwise a fresh one. Every response carries it back.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{8,128}$/.test(given) ? given : crypto.randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    // One line per request is noise at info level; structured request logs are there at debug.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
  });
  installErrorHandling(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installValidation(app);
  installSecurityHeaders(app, { embedOrigins: config.embedOrigins });

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const db = database.db;
  const metrics = new Metrics();
  const onBusError = (err: unknown, context: string) => app.log.error({ err }, context);
  const busJobs = {
    // Only the worker role takes jobs; every role may enqueue them.
    runsJobs: config.services.includes('worker'),
    onJobFailure: (job: string, final: boolean) => {
      metrics.jobFailures.inc({ job });
      if (final) metrics.deadLetters.inc({ job });
    },
  };
  const bus: Bus =
    opts.bus ??
    (config.redisUrl
      ? new RedisBus({ url: config.redisUrl, prefix: config.redisPrefix, onError: onBusError, ...busJobs })
      : new MemoryBus(onBusError, busJobs));
  if (bus instanceof RedisBus) {
    // Start even if Redis is down (readiness says so); local connections work meanwhile.
    await bus.ready(5000).catch((err) => app.log.warn({ err }, 'Redis is not answering yet; serving local connections only'));
  }
  const tokens = new TokenService(config.jwtSecret ?? devSecret(config.dataDir), config.jwt);
  const users = new UserDirectory(db);
  const hub = new EventHub({ bus, db, log: app.log });
  const events = new ChatEvents(hub);
  const facts = new ChatFactsCache();
  const faults = faultsFromEnv(process.env, config.production, (msg) => app.log.warn(msg));
  const chats = new ChatService(db, events, users, facts, hub, clock, faults);
  const statistics = new TableStatistics(db, { onError: (err, table) => app.log.warn({ err, table }, 'ANALYZE failed') });
  const store = new MessageStore(db, {
    prepared: database.prepared,
    onBatch: (written) => {
      metrics.batches.inc();
      for (const w of written) metrics.messages.inc({ kind: w.message.kind });
    },
  });
  const history = new History(db);
  const reads = new ReadReceipts(db, chats, events);
  const pipeline = new MessagePipeline(db, store, chats, events, faults);
  const apiKeys = new ApiKeys(db);
  const authenticate = makeAuthenticate(tokens, users, apiKeys);
  const userRate = new UserRateLimiter({ perSec: config.rateLimit.userPerSec, burst: config.rateLimit.userBurst });

  let closed = false;
  const gateway = new Gateway({
    tokens, users, chats, events, pipeline, history, reads,
    rate: { perSec: config.rateLimit.framesPerSec, burst: config.rateLimit.burst },
    userRate,
    heartbeatMs: config.heartbeatMs,
    log: app.log,
    metrics: metrics.gatewayHooks(),
    onPresence: (user, connections) => {
      if (closed) return; // shutting down: the sweep on a live node will see them gone
      const work = connections > 0 ? desk.presence.connected(user) : desk.presence.disconnected(user);
      work.catch((err) => app.log.warn({ err }, 'presence update failed'));
    },
  });
  const roles = new Set(config.services);
  // Periodic work runs once per cluster however many cron processes run (a test clock drives it by hand).
  const cron = roles.has('cron') && !opts.clock ? new ClusterCron(bus, app.log, (task) => metrics.cronRuns.inc({ task })) : null;
  const duty = new DutyService(db, config.desk.timezone);
  const desk = new Desk({ db, bus, chats, hub, clock, log: app.log, cron, duty }, { ...config.desk, runTimers: cron !== null });
  desk.start();
  const webhooks = new Webhooks({ db, bus, hub, cron, config: config.webhooks, log: app.log });
  webhooks.start();
  // Filter and citation checks, automatic replies, reviews, merit (seeds the shipped data on first start).
  const dharma = new Dharma({ db, bus, hub, chats, events, pipeline, clock, log: app.log }, { corpus: config.sutraCorpus, cacheDir: join(config.dataDir, 'cache') });
  await dharma.start();
  const members = new Members({ db, hub, clock, merit: dharma.merit, filter: dharma.filter, timezone: config.desk.timezone, recomputeUrgency: (chatId) => desk.recomputeUrgency(chatId) });
  const insight = new Insight({
    db, bus, hub, desk, chats, pipeline, clock, timezone: config.desk.timezone,
    scoring: config.scoringThread && roles.has('worker') ? 'thread' : 'inline',
  });
  // Low moods get a compassion reply from the Dharma pool (its cooldown and human-first rules apply).
  insight.connectCompassion((message, score) => dharma.autoReplies.onSentiment(message, score));
  const ratings = new Ratings(db, chats, hub);
  const search = new MessageSearch(db, app.log);
  cron?.every('search.sweep', 60_000, () => search.sweep());
  const trust = new Trust({ db, prepared: database.prepared, dataDir: config.dataDir, uploadsDir: config.uploads.dir, attestationKey: config.attestationKey, cron, log: app.log });
  trust.start();
  app.addHook('onResponse', (request, reply) => trust.onResponse(request, reply));
  declareListeners(hub, {
    factsCache: factsCacheListener(facts),
    delivery: deliveryListener(gateway.registry),
    typingMemory: dharma.autoReplies.typingMemory,
    statistics: { name: 'db.statistics', scope: 'once', on: { 'chat.created': () => statistics.noteInserted('chats', 1) } },
    desk: desk.listener,
    deskActivity: desk.activity,
    dharmaReviews: dharma.reviewsReaction,
    dharmaAutoReplies: dharma.autoReplyReaction,
    distress: insight.distress,
    sentimentQueue: insight.worker.enqueueReaction(),
    merit: dharma.merit.listener,
    webhooks: webhooks.listener,
    searchIndex: search.listener,
    membersPriority: members.listener,
    trust: trust.listener,
  });
  // What a node committed and never published (it died in between) is published by the relays.
  const outboxRelay = new OutboxRelay(db, hub, async (chatId) => {
    const row = await chats.row(chatId);
    return row ? chats.present(row) : null;
  });
  cron?.every('events.outbox-relay', 2000, () => outboxRelay.tick());
  const messageRelay = new MessageRelay(db, gateway.registry);
  const messageRelayTimer = roles.has('ws') ? setInterval(() => void messageRelay.tick().catch((err) => app.log.warn({ err }, 'message relay failed')), 1000) : null;
  messageRelayTimer?.unref();
  const ops = startOps({ bus, cron, database, config, metrics, log: app.log });
  if (bus instanceof RedisBus) bus.onReconnect(() => void gateway.resync());

  await app.register(swagger, {
    openapi: {
      info: { title: 'LotusDesk 蓮心客服 API', version: '1.0.0', description: 'HTTP part of the LotusDesk wire contract (docs/PROTOCOL.md).' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'ldk_…', description: 'An API key (`Authorization: Bearer ldk_…`); routes that accept keys name the scope they need' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  documentApiKeyScopes(app);
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });

  const readiness: ReadinessProbe[] = [
    // Down while draining, so a load balancer stops sending new connections before sockets close.
    { name: 'accepting', check: () => !closed },
    { name: 'database', check: () => database.ping() },
    ...(bus.kind === 'redis' ? [{ name: 'redis', check: () => bus.healthy() }] : []),
  ];
  await app.register(systemRoutes, { probes: readiness });
  app.get('/metrics', { schema: { hide: true }, onRequest: metricsAccess({ token: config.metricsToken, production: config.production }) }, async (_request, reply) => {
    metrics.pendingChats.set((await pendingPositions(db)).size);
    if (bus instanceof RedisBus) {
      metrics.busLag.set(bus.stats.lastLagMs / 1000);
      metrics.busEvents.set({ direction: 'published' }, bus.stats.published);
      metrics.busEvents.set({ direction: 'received' }, bus.stats.received);
    }
    for (const [queue, counts] of Object.entries(await bus.jobCounts().catch(() => ({})))) {
      for (const [state, n] of Object.entries(counts)) metrics.jobQueue.set({ queue, state }, n);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  // Process roles: `web` serves the HTTP API, `ws` the WebSocket gateway; health, readiness and
  // metrics are always there so every role can be probed.
  if (roles.has('web')) {
    await app.register(deskRoutes, { desk, authenticate });
    await app.register(insightRoutes, { insight, authenticate });
    await app.register(identityRoutes, { tokens, authenticate, devLogin: config.devLogin });
    await app.register(noteRoutes, { chats, authenticate });
    await app.register(serviceRoutes, { chats, ratings, authenticate });
    await app.register(searchRoutes, { search, authenticate });
    await app.register(chatRoutes, { chats, history, pipeline, reads, authenticate, userRate, onStaffRead: (user, chat) => trust.readChat(user, chat) });
    await app.register(trustRoutes, { trust, chats, authenticate });
    const memberChats = new MemberChats(db, users, history);
    await app.register(memberRoutes, { memberChats, authenticate });
    await app.register(dharmaRoutes, { dharma, authenticate });
    await app.register(integrationRoutes, { db, apiKeys, webhooks, users, authenticate });
    await app.register(cannedRoutes, { canned: new CannedReplies(db, (text) => dharma.autoReplies.assertQuotes(text)), authenticate });
    await app.register(dutyRoutes, { duty, clock, timezone: config.desk.timezone, authenticate, onChange: () => void desk.requestAssignment('duty') });
    await app.register(uploadRoutes, { uploads: config.uploads, db, chats, tokens, users, authenticate, alsoReadable: (user, chatId) => memberChats.mayReadClosed(user, chatId), certificationReadable: (user, id) => members.certifications.photoReadable(user, id) });
    await app.register(membersRoutes, { members, memberChats, authenticate });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    await app.register(webRoutes);
  }
  if (roles.has('ws')) await app.register(async (scoped) => gateway.register(scoped));

  if (config.devLogin) await seedDemo(users, desk, clock);

  return {
    app, config, database, bus, hub, tokens, users, chats, pipeline, store, gateway, readiness, metrics, desk, ops, insight, dharma, duty,
    integration: { apiKeys, webhooks },
    search, ratings, members, trust,
    async close() {
      if (closed) return;
      closed = true;
      cron?.stop();
      if (messageRelayTimer) clearInterval(messageRelayTimer);
      desk.stop();
      await dharma.stop();
      await insight.stop();
      await gateway.drain();
      await store.drain();
      await hub.drain();
      // Idle HTTP connections close at once; one still busy (a download the client stopped
      // reading keeps its socket full) would hold the close forever: it gets a few seconds.
      const cut = setTimeout(() => app.server.closeAllConnections(), HTTP_CLOSE_GRACE_MS);
      cut.unref();
      await app.close();
      clearTimeout(cut);
      hub.stop();
      await bus.close();
      await statistics.close();
      await database.close();
    },
  };
}

/** Demo users, and shifts for the demo agents and master covering this week, so the demo desk is staffed. */
async function seedDemo(users: Users, desk: Desk, clock: Clock): Promise<void> {
  const now = clock.now();
  for (const u of DEMO_USERS) {
    const user = await users.fromClaims(u);
    if (user.role !== 'agent' && user.role !== 'master') continue;
    const existing = await desk.schedule.list(now, new Date(now.getTime() + 1000), user.id);
    if (existing.length) continue;
    for (let day = 0; day < 7; day++) {
      const start = new Date(now.getTime() + day * 86400_000 - 3600_000);
      await desk.schedule.add(user.id, start, new Date(start.getTime() + 24 * 3600_000 - 60_000)).catch(() => {});
    }
  }
}
