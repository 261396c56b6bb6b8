/**
 * The WebSocket gateway at /ws: hello and resume, send/ack, read, typing, ping. Routes frames to
 * services and holds no chat logic itself; what reaches its connections is decided by the
 * delivery listener (delivery.ts) over `registry`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { CLOSE_CODES, LIMITS, type ClientFrame, type ErrorCode, type HelloFrame, type SendFrame } from '../../shared/protocol';
import { asInputError } from '../db/input-errors';
import { AppError } from '../core/errors';
import { errorMessage } from '../i18n/errors';
import type { TokenService } from '../identity/tokens';
import type { User, UserDirectory } from '../identity/users';
import { assertVisible, canSee, isParticipant } from './access';
import type { ChatEvents } from './chat-events';
import type { ChatService } from './chat-service';
import { Connection } from './connection';
import { ConnectionRegistry } from './connection-registry';
import { parseClientFrame } from './frames';
import { messageFor } from './presenters';
import { releaseUpgrade } from './upgrade';
import { chatsToReplay, planResume, resumeTooLarge } from './resume';
import { spendBudgets, type RateBudget, type UserRateLimiter } from './user-rate-limit';
import { watchTokenExpiry } from '../identity/token-expiry';
import type { History } from './history';
import type { MessagePipeline } from './pipeline';
import type { ReadReceipts } from './read-receipts';

export interface GatewayDeps {
  tokens: TokenService;
  users: UserDirectory;
  chats: ChatService;
  events: ChatEvents;
  pipeline: MessagePipeline;
  history: History;
  reads: ReadReceipts;
  /** Each connection's own frame budget. */
  rate: RateBudget;
  /** The budget shared by all of a user's sockets and HTTP sends on this node. */
  userRate: UserRateLimiter;
  heartbeatMs: number;
  log: { warn(o: unknown, m?: string): void; error(o: unknown, m?: string): void; debug(o: unknown, m?: string): void };
  /** Told when a user's first connection on this node opens or last one closes (presence). */
  onPresence?: (user: User, connections: number) => void;
  /** Counters for metrics. */
  metrics?: { connections(delta: number): void; frame(type: string): void; ackLatency(ms: number): void };
}

export class Gateway {
  readonly registry = new ConnectionRegistry<Connection>();
  private readonly all = new Set<Connection>();
  private heartbeat: NodeJS.Timeout | null = null;
  private draining = false;
  /** Sends accepted but not yet acked or refused; drain waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: GatewayDeps) {}

  /** Registers /ws and starts the heartbeats. */
  register(app: FastifyInstance): void {
    app.get('/ws', { websocket: true, schema: { hide: true } }, (socket, request) => {
      releaseUpgrade(socket, request.raw);
      this.accept(socket);
    });
    this.heartbeat = setInterval(() => this.beat(), this.deps.heartbeatMs);
    this.heartbeat.unref?.();
  }

  /** Number of open sockets (authenticated or not). */
  get connectionCount(): number {
    return this.all.size;
  }

  /**
   * Re-reads from the database what every connection may have missed (after a bus outage, events
   * published by other nodes were lost; the database has them all).
   */
  async resync(): Promise<void> {
    for (const conn of this.registry.all()) {
      for (const [chatId, seq] of conn.followed()) {
        const facts = await this.deps.chats.factsOf(chatId).catch(() => null);
        if (!facts || !canSee(conn.user!, facts)) continue;
        try {
          await this.replay(conn, chatId, seq);
        } catch (err) {
          this.deps.log.warn({ err, chatId, conn: conn.id }, 'resync failed');
        }
      }
    }
  }

  /**
   * Graceful shutdown: refuses new connections and new sends (with an error naming the client
   * id, so the client resends after reconnecting), lets every send already accepted commit and
   * be acked, then closes every socket with the restart code clients reconnect on at once.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    this.draining = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
        timer.unref?.();
      }),
    ]);
    clearTimeout(timer);
    for (const c of this.all) c.socket.close(CLOSE_CODES.restart, 'server restarting');
  }

  private accept(socket: WebSocket): void {
    if (this.draining) {
      socket.close(CLOSE_CODES.restart, 'server restarting');
      return;
    }
    const conn: Connection = new Connection(socket, randomUUID(), this.deps.rate, (chatId, after, upTo) => this.loadFrames(conn, chatId, after, upTo));
    this.all.add(conn);
    this.deps.metrics?.connections(1);
    conn.helloTimer = setTimeout(() => {
      if (!conn.user) this.refuseAuth(conn, 'no hello within 10 seconds');
    }, LIMITS.helloTimeoutMs);
    socket.on('pong', () => (conn.alive = true));
    socket.on('message', (data, isBinary) => {
      conn.alive = true;
      void this.onRaw(conn, data as Buffer, isBinary);
    });
    socket.on('close', () => this.onClose(conn));
    socket.on('error', (err) => this.deps.log.debug({ err, conn: conn.id }, 'socket error'));
  }

  private onClose(conn: Connection): void {
    conn.dispose();
    if (!this.all.delete(conn)) return;
    this.deps.metrics?.connections(-1);
    if (conn.user) {
      const left = this.registry.remove(conn);
      if (left === 0) this.deps.onPresence?.(conn.user, 0);
    }
  }

  private async onRaw(conn: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    // Before hello, only a JSON text hello is acceptable: a binary frame ends the socket at once.
    if (!conn.user && !conn.helloInFlight && isBinary) return this.closeBadStart(conn, 'frames are JSON text; the first must be hello');
    const tooLarge = data.length > LIMITS.maxFrameBytes;
    const parsed = tooLarge || isBinary ? null : parseClientFrame(data.toString('utf8'));
    if (parsed?.ok) this.deps.metrics?.frame(parsed.frame.type);
    if (conn.helloInFlight) await conn.helloInFlight;
    if (!conn.user) {
      if (tooLarge) this.sendError(conn, 'too_large', undefined, { maxBytes: LIMITS.maxFrameBytes });
      if (!parsed?.ok || parsed.frame.type !== 'hello' || conn.socket.readyState !== 1) return this.refuseAuth(conn, 'the first frame must be hello');
      conn.helloInFlight = this.onHello(conn, parsed.frame).finally(() => (conn.helloInFlight = null));
      return conn.helloInFlight;
    }
    // Every frame spends the budgets, refused ones included: bad input costs work too.
    const retryAfterMs = spendBudgets(conn, this.deps.userRate);
    if (retryAfterMs !== null) {
      const id = parsed ? (parsed.ok ? ('id' in parsed.frame ? parsed.frame.id : undefined) : parsed.id) : undefined;
      return this.sendError(conn, 'rate_limited', id, { retryAfterMs });
    }
    if (tooLarge) return this.sendError(conn, 'too_large', undefined, { maxBytes: LIMITS.maxFrameBytes });
    if (!parsed) return this.sendError(conn, 'invalid', undefined, { reason: 'frames are JSON text' });
    if (!parsed.ok) return this.sendError(conn, 'invalid', parsed.id, { reason: parsed.reason, ...(parsed.field ? { field: parsed.field } : {}) });
    const frame = parsed.frame;
    try {
      await this.dispatch(conn, frame);
    } catch (err) {
      const id = frame.type === 'send' || frame.type === 'ping' ? frame.id : undefined;
      if (err instanceof AppError) return this.sendError(conn, err.code, id, err.details, err.customMessage);
      const input = asInputError(err);
      if (input) return this.sendError(conn, input.code, id, input.details);
      this.deps.log.error({ err, conn: conn.id, frame: frame.type }, 'frame failed');
      this.sendError(conn, 'internal', id);
    }
  }

  private async dispatch(conn: Connection, frame: ClientFrame): Promise<void> {
    const user = conn.user!;
    switch (frame.type) {
      case 'send': {
        if (this.draining) throw new AppError('internal', { reason: 'server restarting; send again after reconnecting' });
        const sending = this.onSend(conn, frame);
        this.inFlight.add(sending);
        return sending.finally(() => this.inFlight.delete(sending));
      }
      case 'read':
        await this.deps.reads.markRead(user, frame.chatId, frame.seq);
        return;
      case 'typing': {
        const facts = await this.deps.chats.factsOf(frame.chatId);
        assertVisible(user, facts);
        if (!isParticipant(user, facts)) throw new AppError('forbidden');
        this.deps.events.typing({ id: frame.chatId, ...facts }, user.id);
        return;
      }
      case 'ping':
        conn.send(JSON.stringify(frame.id !== undefined ? { type: 'pong', id: frame.id } : { type: 'pong' }));
        return;
      case 'hello':
        throw new AppError('invalid', { reason: 'hello was already received' });
    }
  }

  private async onSend(conn: Connection, frame: SendFrame): Promise<void> {
    const started = performance.now();
    // Checks run in arrival order per connection, so its messages are queued (and numbered) in
    // the order they were sent; the commits themselves overlap in group commits.
    const prepared = conn.sendChain.then(() =>
      this.deps.pipeline.prepare(conn.user!, { chatId: frame.chatId, clientId: frame.id, text: frame.text, attachmentIds: frame.attachments ?? [] }),
    );
    const committed = prepared.then((item) =>
      this.deps.pipeline.commit(item, ({ message: m }) => {
        conn.send(JSON.stringify({ type: 'ack', id: frame.id, chatId: m.chatId, messageId: m.id, seq: m.seq, createdAt: m.createdAt }));
        this.deps.metrics?.ackLatency(performance.now() - started);
      }),
    );
    // The chain waits for the message to be queued, not committed.
    conn.sendChain = prepared.then(
      () => undefined,
      () => undefined,
    );
    await committed;
  }

  private async onHello(conn: Connection, frame: HelloFrame): Promise<void> {
    const tooLarge = resumeTooLarge(frame.resume);
    if (tooLarge) return this.sendError(conn, tooLarge.code, undefined, tooLarge.details); // a smaller hello may follow
    let user, claims;
    try {
      claims = await this.deps.tokens.verify(frame.token);
      user = await this.deps.users.fromClaims(claims);
    } catch (err) {
      return this.refuseAuth(conn, err instanceof AppError ? String(err.details?.reason ?? 'bad token') : 'bad token');
    }
    // Where the user's live chats stand now: read before registering, so a message committed in
    // between arrives live or is filled from the database as a gap, never missed. Without the
    // database the connection still opens: its first live frame of a chat then sets the start.
    const live = await this.deps.chats.liveCursors(user).catch((err) => {
      this.deps.log.warn({ err, conn: conn.id }, 'live chat cursors unavailable');
      return [];
    });
    let plan;
    try {
      plan = await planResume(this.deps.history, user, frame.resume ?? {});
    } catch (err) {
      // Resume cannot be honoured without the database: the client reconnects later and resumes.
      this.deps.log.warn({ err, conn: conn.id }, 'resume cursors unavailable');
      this.sendError(conn, 'internal');
      conn.socket.close(1011, 'resume unavailable');
      return;
    }
    if (conn.socket.readyState !== 1) return;
    if (conn.helloTimer) clearTimeout(conn.helloTimer);
    conn.helloTimer = null; // an idle connection should not keep its spent timer
    conn.user = user;
    conn.locale = frame.locale ?? 'zh-TW';
    conn.stopTokenExpiry = watchTokenExpiry(claims.expiresAt, () => this.refuseAuth(conn, 'expired'));
    // Cursors first, then registration, then replay: live frames that arrive during the replay
    // are held by the connection's ordering and nothing is sent twice.
    for (const [chatId, seq] of plan.visible) conn.setCursor(chatId, seq);
    // Live chats not resumed start after what was stored when the hello came.
    for (const [chatId, seq] of live) if (!conn.hasCursor(chatId)) conn.setCursor(chatId, seq);
    this.registry.add(conn);
    if (this.registry.ofUser(user.id).size === 1) this.deps.onPresence?.(user, 1);
    conn.send(JSON.stringify({ type: 'welcome', userId: user.id, role: user.role, name: user.name }));
    for (const chatId of plan.notFound) this.sendError(conn, 'not_found', undefined, { chatId });
    try {
      // Read after registering: a chat with nothing new now gets its next message live.
      for (const [chatId, seq] of await chatsToReplay(this.deps.history, plan.visible)) await this.replay(conn, chatId, seq);
    } catch (err) {
      this.deps.log.warn({ err, conn: conn.id }, 'resume replay failed');
      conn.socket.close(1011, 'resume unavailable'); // the client reconnects and resumes from its cursors
    }
  }

  /** Sends every stored message after `seq`, in pages, through the connection's ordering. */
  private async replay(conn: Connection, chatId: string, seq: number): Promise<void> {
    let after = seq;
    for (;;) {
      const page = await this.deps.history.range(chatId, after, null, 500);
      for (const m of page) conn.deliver(chatId, m.seq, JSON.stringify({ type: 'message', message: messageFor(conn.user!.role, m) }));
      if (page.length < 500 || conn.socket.readyState !== 1) return;
      after = page[page.length - 1].seq;
    }
  }

  private async loadFrames(conn: Connection, chatId: string, after: number, upTo: number) {
    const messages = await this.deps.history.range(chatId, after, upTo);
    const role = conn.user?.role ?? 'member';
    return messages.map((m) => ({ seq: m.seq, frame: JSON.stringify({ type: 'message', message: messageFor(role, m) }) }));
  }

  private beat(): void {
    for (const conn of this.all) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }

  /** A first frame that cannot be a hello (binary): closed at once with "unsupported data". */
  private closeBadStart(conn: Connection, reason: string): void {
    this.sendError(conn, 'invalid', undefined, { reason });
    conn.socket.close(CLOSE_CODES.unsupportedData, 'JSON text frames only');
  }

  private refuseAuth(conn: Connection, reason: string): void {
    this.sendError(conn, 'unauthenticated', undefined, { reason });
    conn.socket.close(CLOSE_CODES.unauthenticated, 'unauthenticated');
  }

  private sendError(conn: Connection, code: ErrorCode, id?: string, details?: Record<string, unknown>, message?: string): void {
    const frame: Record<string, unknown> = { type: 'error', code, message: message ?? errorMessage(code, conn.locale) };
    if (id !== undefined) frame.id = id;
    if (details !== undefined) frame.details = details;
    conn.send(JSON.stringify(frame));
  }
}
