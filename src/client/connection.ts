/**
 * The real-time half of the client: one WebSocket (reconnecting-websocket does the reconnects with
 * backoff), `hello` with resume cursors, an outbox that gives every outgoing message a client id
 * and resends it with the same id until it is acked (the server dedupes), incoming messages
 * deduped by id and seq, and the connection state for the UI.
 */
import ReconnectingWebSocket from 'reconnecting-websocket';
import { CLOSE_CODES, LIMITS, type AckFrame, type ClientFrame, type ErrorFrame, type Locale, type MessageDto, type Role } from '../shared/protocol';
import type { ServerFrame } from '../shared/frames';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A message waiting for its ack. */
export interface OutgoingMessage {
  id: string;
  chatId: string;
  text: string;
  attachments: string[];
  /** Attachment objects kept for display while the message is in flight. */
  preview?: unknown;
  queuedAt: number;
  /** How many times it went on the wire. */
  attempts: number;
}

export interface ConnectionOptions {
  url: string;
  token: string;
  /**
   * Gives a fresh token when the server closes the socket with 4401 (its token expired or reached
   * its maximum age): the connection then reconnects with it and resumes. Asked once per refusal;
   * if the fresh token is refused too, or there is no provider, the connection stays closed.
   */
  tokenProvider?: () => Promise<string> | string;
  locale?: Locale;
  /** A WebSocket constructor (Node tests pass `ws`); defaults to the global one. */
  WebSocket?: unknown;
  /** Backoff: first delay, growth, ceiling (ms). */
  minDelayMs?: number;
  maxDelayMs?: number;
  growFactor?: number;
  /** Resend an unacked message after this long on an open connection. */
  ackTimeoutMs?: number;
  /** Where the outbox survives a page reload (sessionStorage in the browser). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Storage key of the outbox (one per user, so a shared tab never sends another user's text). */
  storageKey?: string;
}

export interface ConnectionEvents {
  state: (state: ConnectionState) => void;
  welcome: (me: { userId: string; role: Role; name?: string }) => void;
  message: (message: MessageDto) => void;
  ack: (ack: AckFrame, sent: OutgoingMessage) => void;
  /** A message the server refused: it will not be retried; the UI gives the text back. */
  refused: (error: ErrorFrame, sent: OutgoingMessage) => void;
  /** Any other server frame (chat, read, typing, desk, errors without an outbox id...). */
  frame: (frame: ServerFrame) => void;
  /** The token was refused: the connection stays closed. */
  unauthenticated: (error: ErrorFrame | null) => void;
}

type Listeners = { [K in keyof ConnectionEvents]: Set<ConnectionEvents[K]> };

/** Chats resumed in one hello: the server refuses more (and it keeps the frame small). */
export const MAX_RESUME = LIMITS.maxResumeChats;

/** A fresh client message id (the server dedupes resends by it). */
export function newClientId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** One user's live connection: state, outbox, resume cursors, deduped incoming messages. */
export class ChatConnection {
  state: ConnectionState = 'connecting';
  me: { userId: string; role: Role; name?: string } | null = null;
  private socket: ReconnectingWebSocket | null = null;
  private welcomed = false;
  private everOpened = false;
  private stopped = false;
  private token: string;
  /** A fresh token was asked for since the last welcome: another 4401 is final. */
  private refreshed = false;
  private readonly outbox = new Map<string, OutgoingMessage>();
  private readonly cursors = new Map<string, number>();
  private readonly seenIds = new Set<string>();
  private readonly listeners: Listeners = { state: new Set(), welcome: new Set(), message: new Set(), ack: new Set(), refused: new Set(), frame: new Set(), unauthenticated: new Set() };
  private retryTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: ConnectionOptions) {
    this.token = opts.token;
    for (const m of this.loadOutbox()) this.outbox.set(m.id, m);
  }

  /** Opens the connection. */
  start(): this {
    this.stopped = false;
    this.open();
    this.retryTimer = setInterval(() => this.resendStale(), Math.max(250, (this.opts.ackTimeoutMs ?? 10_000) / 2));
    return this;
  }

  /** Closes for good (logout, unmount). */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.socket?.close(1000, 'bye');
    this.socket = null;
    this.setState('closed');
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ConnectionEvents>(event: K, fn: ConnectionEvents[K]): () => void {
    (this.listeners[event] as Set<ConnectionEvents[K]>).add(fn);
    return () => (this.listeners[event] as Set<ConnectionEvents[K]>).delete(fn);
  }

  /** Remembers how far this client has seen a chat, so a reconnect resumes after it. */
  track(chatId: string, seq: number): void {
    const known = this.cursors.get(chatId);
    if (known !== undefined && seq <= known) return;
    // Re-inserted so the map stays in order of activity (hello sends the most recent ones).
    this.cursors.delete(chatId);
    this.cursors.set(chatId, seq);
  }

  /** The resume cursor of a chat, if tracked. */
  cursor(chatId: string): number | undefined {
    return this.cursors.get(chatId);
  }

  /** Queues a message; it goes out now if connected, else after the next welcome. Returns it. */
  send(chatId: string, text: string, attachments: string[] = [], preview?: unknown): OutgoingMessage {
    const m: OutgoingMessage = { id: newClientId(), chatId, text, attachments, queuedAt: Date.now(), attempts: 0, ...(preview !== undefined ? { preview } : {}) };
    this.outbox.set(m.id, m);
    this.saveOutbox();
    this.transmit(m);
    return m;
  }

  /** Messages not yet acked (oldest first), optionally of one chat. */
  pending(chatId?: string): OutgoingMessage[] {
    return [...this.outbox.values()].filter((m) => !chatId || m.chatId === chatId);
  }

  /** Drops an unacked message (the user gave up on it). */
  discard(id: string): void {
    if (this.outbox.delete(id)) this.saveOutbox();
  }

  /** Tells the chat what this user has read. Dropped when offline: the next read covers it. */
  read(chatId: string, seq: number): void {
    this.raw({ type: 'read', chatId, seq });
  }

  /** Tells the chat this user is typing (callers throttle). */
  typing(chatId: string): void {
    this.raw({ type: 'typing', chatId });
  }

  /** Forces a reconnect now (e.g. the browser says it is back online). */
  reconnectNow(): void {
    if (this.stopped) return;
    this.replaceSocket();
  }

  private open(): void {
    const o = this.opts;
    this.socket = new ReconnectingWebSocket(o.url, [], {
      WebSocket: o.WebSocket,
      minReconnectionDelay: o.minDelayMs ?? 500,
      maxReconnectionDelay: o.maxDelayMs ?? 10_000,
      reconnectionDelayGrowFactor: o.growFactor ?? 1.6,
      connectionTimeout: 8000,
      // Frames are never queued by the socket: the outbox decides what is resent, after hello.
      maxEnqueuedMessages: 0,
    });
    const socket = this.socket;
    socket.addEventListener('open', () => {
      if (socket !== this.socket) return;
      this.welcomed = false;
      // A supervisor sees every chat: resume the most recently active ones so hello stays small
      // (the store refetches the rest over HTTP after the welcome).
      const resume = Object.fromEntries([...this.cursors].slice(-MAX_RESUME));
      const hello: ClientFrame = { type: 'hello', token: this.token, ...(o.locale ? { locale: o.locale } : {}), ...(this.cursors.size ? { resume } : {}) };
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (e) => {
      if (socket !== this.socket) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(typeof e.data === 'string' ? e.data : String(e.data));
      } catch {
        return;
      }
      this.onFrame(frame);
    });
    socket.addEventListener('close', (e) => {
      if (socket !== this.socket || this.stopped) return;
      this.welcomed = false;
      if (e.code === CLOSE_CODES.unauthenticated) {
        if (this.mayRefresh()) return this.refreshToken();
        // A refused token will not get better by retrying.
        socket.close();
        this.socket = null;
        this.setState('closed');
        this.emit('unauthenticated', null);
        return;
      }
      this.setState(this.everOpened ? 'reconnecting' : 'connecting');
      // The server is restarting or draining: reconnect at once (the library would wait its backoff).
      if (e.code === CLOSE_CODES.restart) this.replaceSocket();
    });
  }

  private mayRefresh(): boolean {
    return Boolean(this.opts.tokenProvider) && !this.refreshed;
  }

  /** Drops the socket (its library would retry the stale token), asks for a fresh token, reopens. */
  private refreshToken(): void {
    this.refreshed = true;
    const old = this.socket;
    this.socket = null;
    old?.close();
    this.setState(this.everOpened ? 'reconnecting' : 'connecting');
    Promise.resolve()
      .then(() => this.opts.tokenProvider!())
      .then(
        (token) => {
          if (this.stopped || this.socket) return;
          this.token = token;
          this.open();
        },
        () => {
          if (this.stopped || this.socket) return;
          this.setState('closed');
          this.emit('unauthenticated', null);
        },
      );
  }

  private replaceSocket(): void {
    const old = this.socket;
    this.socket = null;
    old?.close(1000, 'reconnect');
    if (this.state === 'open') this.setState('reconnecting');
    this.open();
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        this.welcomed = true;
        this.everOpened = true;
        this.refreshed = false;
        this.me = { userId: frame.userId, role: frame.role, ...(frame.name ? { name: frame.name } : {}) };
        this.setState('open');
        this.emit('welcome', this.me);
        for (const m of this.outbox.values()) this.transmit(m);
        return;
      case 'message': {
        const m = frame.message;
        // Resume replays after the cursor and history pages are marked seen, so ids settle it.
        if (this.seenIds.has(m.id)) return;
        this.remember(m.id);
        this.track(m.chatId, m.seq);
        this.emit('message', m);
        return;
      }
      case 'ack': {
        const sent = this.outbox.get(frame.id);
        if (!sent) return; // a second ack for a resend: already handled
        this.outbox.delete(frame.id);
        this.saveOutbox();
        this.emit('ack', frame, sent);
        return;
      }
      case 'error': {
        if (frame.code === 'unauthenticated') {
          // The server closes with 4401 next: that refreshes the token or ends the connection.
          if (!this.welcomed && !this.mayRefresh()) this.emit('unauthenticated', frame);
          return;
        }
        const sent = frame.id ? this.outbox.get(frame.id) : undefined;
        if (sent) {
          if (frame.code === 'rate_limited') {
            // Not refused, only early: the same id goes again after the pause the server asked for.
            const wait = Number(frame.details?.retryAfterMs ?? 1000);
            sent.queuedAt = Date.now() + wait - (this.opts.ackTimeoutMs ?? 10_000);
            setTimeout(() => this.outbox.has(sent.id) && this.transmit(sent), wait);
            return;
          }
          this.outbox.delete(sent.id);
          this.saveOutbox();
          this.emit('refused', frame, sent);
          return;
        }
        this.emit('frame', frame);
        return;
      }
      default:
        this.emit('frame', frame);
    }
  }

  private remember(id: string): void {
    this.seenIds.add(id);
    // Bounded: old ids fall out; the seq cursors keep resume exact anyway.
    if (this.seenIds.size > 5000) {
      const first = this.seenIds.values().next().value;
      if (first !== undefined) this.seenIds.delete(first);
    }
  }

  /** Marks messages loaded from history as seen, so a live or replayed copy is not shown twice. */
  markSeen(messages: MessageDto[]): void {
    for (const m of messages) {
      this.remember(m.id);
      this.track(m.chatId, m.seq);
    }
  }

  private transmit(m: OutgoingMessage): void {
    if (!this.welcomed || !this.socket || this.socket.readyState !== 1) return;
    m.attempts++;
    m.queuedAt = Date.now();
    const frame: ClientFrame = { type: 'send', id: m.id, chatId: m.chatId, text: m.text, ...(m.attachments.length ? { attachments: m.attachments } : {}) };
    this.socket.send(JSON.stringify(frame));
  }

  private resendStale(): void {
    const timeout = this.opts.ackTimeoutMs ?? 10_000;
    const now = Date.now();
    for (const m of this.outbox.values()) if (now - m.queuedAt >= timeout) this.transmit(m);
  }

  private raw(frame: ClientFrame): void {
    if (this.welcomed && this.socket?.readyState === 1) this.socket.send(JSON.stringify(frame));
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.emit('state', state);
  }

  private emit<K extends keyof ConnectionEvents>(event: K, ...args: Parameters<ConnectionEvents[K]>): void {
    for (const fn of this.listeners[event]) (fn as (...a: Parameters<ConnectionEvents[K]>) => void)(...args);
  }

  private loadOutbox(): OutgoingMessage[] {
    try {
      const raw = this.opts.storage?.getItem(this.opts.storageKey ?? 'lotusdesk.outbox');
      return raw ? (JSON.parse(raw) as OutgoingMessage[]).map((m) => ({ ...m, attempts: 0, queuedAt: 0 })) : [];
    } catch {
      return [];
    }
  }

  private saveOutbox(): void {
    try {
      this.opts.storage?.setItem(this.opts.storageKey ?? 'lotusdesk.outbox', JSON.stringify([...this.outbox.values()]));
    } catch {
      // storage full or disabled: the outbox still lives in memory
    }
  }
}
