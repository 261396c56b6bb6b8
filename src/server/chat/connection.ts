/**
 * One WebSocket connection: its user, its rate budget, and in-order delivery per chat. Messages
 * of one chat can reach a node out of seq order (two nodes commit back to back and publish
 * independently), so each connection keeps a cursor per chat, holds early frames back and fills a
 * gap from the database if it does not close by itself.
 */
import type { WebSocket } from 'ws';
import type { Locale, Role } from '../../shared/protocol';
import type { User } from '../identity/users';
import { TokenBucket, type RateBudget } from './user-rate-limit';

/** Loads the serialized `message` frames of a chat with seq in (after, upTo], ascending. */
export type RangeLoader = (chatId: string, after: number, upTo: number) => Promise<Array<{ seq: number; frame: string }>>;

const GAP_WAIT_MS = 150;
/** The longest a background frame waits for another frame to travel with. */
export const BACKGROUND_FRAME_MS = 200;
/** A consumer this far behind is disconnected; it resumes from its cursors when it comes back. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export class Connection {
  user: User | null = null;
  locale: Locale = 'zh-TW';
  alive = true;
  helloTimer: NodeJS.Timeout | null = null;
  /** Set while hello is being verified: frames that follow it wait for it. */
  helloInFlight: Promise<void> | null = null;
  /** Cancels the timer that closes the connection when its token expires (set at hello). */
  stopTokenExpiry: (() => void) | null = null;
  /** Orders this connection's sends up to the point they are queued for commit. */
  sendChain: Promise<unknown> = Promise.resolve();
  private readonly budget: TokenBucket;
  private corked = false;
  /** Background frames waiting for the next write (or their timer). */
  private background: Array<string | Buffer> | null = null;
  private backgroundTimer: NodeJS.Timeout | null = null;
  private cursors: Map<string, number> | null = null;
  private held: Map<string, Map<number, string | Buffer>> | null = null;
  private gapTimers: Map<string, NodeJS.Timeout> | null = null;

  constructor(
    readonly socket: WebSocket,
    readonly id: string,
    rate: RateBudget,
    private readonly loadRange: RangeLoader,
  ) {
    this.budget = new TokenBucket(rate);
  }

  get userId(): string {
    return this.user!.id;
  }
  get role(): Role {
    return this.user!.role;
  }

  /** Takes one token from the connection's budget; false when it is exhausted. */
  takeToken(): boolean {
    return this.budget.take();
  }

  /** Milliseconds until the next token. */
  retryAfterMs(): number {
    return this.budget.retryAfterMs();
  }

  /** Sends a frame (already serialized) unless the socket is closed or hopelessly behind. */
  send(frame: string | Buffer): void {
    if (this.socket.readyState !== 1) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(1013, 'slow consumer');
      return;
    }
    this.coalesce();
    this.socket.send(frame, { binary: false });
    if (this.background) this.flushBackground();
  }

  /**
   * Sends a frame that is not urgent with this connection's next frame (in the same write), or
   * after BACKGROUND_FRAME_MS if nothing else goes out before.
   */
  sendBackground(frame: string | Buffer): void {
    if (this.socket.readyState !== 1) return;
    (this.background ??= []).push(frame);
    if (this.backgroundTimer) return;
    this.backgroundTimer = setTimeout(() => this.flushBackground(), BACKGROUND_FRAME_MS);
    this.backgroundTimer.unref?.();
  }

  private flushBackground(): void {
    const frames = this.background ?? [];
    this.background = null;
    if (this.backgroundTimer) clearTimeout(this.backgroundTimer);
    this.backgroundTimer = null;
    if (this.socket.readyState !== 1 || !frames.length) return;
    this.coalesce();
    for (const f of frames) this.socket.send(f, { binary: false });
  }

  /**
   * Frames sent to this connection in one tick leave in one write: a group commit acks and
   * delivers many messages at once, and every write is a system call: one per tick, not one per
   * frame (see docs/decisions/005). The TCP socket stays corked until the end of the tick.
   */
  private coalesce(): void {
    if (this.corked) return;
    const tcp = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void; destroyed: boolean } })._socket;
    if (!tcp || tcp.destroyed) return;
    this.corked = true;
    tcp.cork();
    process.nextTick(() => {
      this.corked = false;
      tcp.uncork();
    });
  }

  /** Sets where this connection stands in a chat (from resume, or when it starts following it). */
  setCursor(chatId: string, seq: number): void {
    (this.cursors ??= new Map()).set(chatId, seq);
  }

  /** True when this connection already knows where it stands in the chat. */
  hasCursor(chatId: string): boolean {
    return this.cursors?.has(chatId) ?? false;
  }

  /** The chats this connection follows and the last seq it has of each. */
  followed(): Array<[string, number]> {
    return this.cursors ? [...this.cursors] : [];
  }

  /** Delivers a chat message once and in seq order. */
  deliver(chatId: string, seq: number, frame: string | Buffer): void {
    const cursor = this.cursors?.get(chatId);
    if (cursor === undefined) {
      // First message of this chat on this connection: it defines the starting point.
      this.setCursor(chatId, seq);
      this.send(frame);
      return;
    }
    if (seq <= cursor) return; // already delivered (resume overlap, or a gap fill raced it)
    if (seq === cursor + 1) {
      this.setCursor(chatId, seq);
      this.send(frame);
      this.releaseHeld(chatId);
      return;
    }
    // Early: hold it until the missing ones arrive or are fetched.
    let held = (this.held ??= new Map()).get(chatId);
    if (!held) this.held.set(chatId, (held = new Map()));
    held.set(seq, frame);
    this.scheduleGapFill(chatId);
  }

  /**
   * The chat's stored messages go up to `lastSeq` (the message relay read it): fetches what this
   * connection lacks. Only for chats it follows; a gap fill already on its way does the same.
   */
  catchUp(chatId: string, lastSeq: number): void {
    const cursor = this.cursors?.get(chatId);
    if (cursor === undefined || lastSeq <= cursor || this.gapTimers?.has(chatId) || this.socket.readyState !== 1) return;
    this.loadRange(chatId, cursor, lastSeq)
      .then((frames) => {
        for (const f of frames) this.deliver(chatId, f.seq, f.frame);
      })
      .catch(() => {});
  }

  /** Clears timers when the socket closes. */
  dispose(): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.stopTokenExpiry?.();
    this.stopTokenExpiry = null;
    if (this.backgroundTimer) clearTimeout(this.backgroundTimer);
    this.background = null;
    for (const t of this.gapTimers?.values() ?? []) clearTimeout(t);
    this.gapTimers = null;
    this.held = null;
  }

  private releaseHeld(chatId: string): void {
    const held = this.held?.get(chatId);
    if (!held) return;
    let cursor = this.cursors!.get(chatId)!;
    for (let next = held.get(cursor + 1); next !== undefined; next = held.get(cursor + 1)) {
      held.delete(cursor + 1);
      cursor++;
      this.send(next);
    }
    this.setCursor(chatId, cursor);
    for (const seq of held.keys()) if (seq <= cursor) held.delete(seq);
    if (held.size === 0) {
      this.held!.delete(chatId);
      const timer = this.gapTimers?.get(chatId);
      if (timer) {
        clearTimeout(timer);
        this.gapTimers!.delete(chatId);
      }
    }
  }

  private scheduleGapFill(chatId: string): void {
    if (this.gapTimers?.has(chatId)) return;
    const timer = setTimeout(() => {
      this.gapTimers?.delete(chatId);
      const held = this.held?.get(chatId);
      if (!held || held.size === 0 || this.socket.readyState !== 1) return;
      const from = this.cursors!.get(chatId)!;
      const upTo = Math.max(...held.keys());
      this.loadRange(chatId, from, upTo)
        .then((frames) => {
          for (const f of frames) this.deliver(chatId, f.seq, f.frame);
        })
        .catch(() => this.scheduleGapFill(chatId));
    }, GAP_WAIT_MS);
    timer.unref?.();
    (this.gapTimers ??= new Map()).set(chatId, timer);
  }
}
