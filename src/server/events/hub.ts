/**
 * The one hub of domain events. Changes are recorded in their transaction (outbox.ts); after
 * commit the hub publishes them and runs the listeners declared in `listeners.ts`, in that order.
 *
 * Two kinds of listener:
 * - `every-node` listeners run on every node for every event that crosses the bus (delivery to
 *   this node's sockets, per-node caches, in-memory state such as who is typing).
 * - `once` listeners run once per event in the cluster: on the node that committed it, or on the
 *   relay's node when that node died before publishing. Delivery is at least once, so they must
 *   be idempotent; the hub skips an event id it has already handled on this node.
 */
import type { BusEvent, ChatFacts, RecordedEvent } from '../../shared/bus-events';
import type { DomainEvent, RecordedEventType } from '../../shared/domain-events';
import type { SignalFrame } from '../../shared/frames';
import type { ChatDto, MessageDto } from '../../shared/protocol';
import type { Audience } from '../../shared/bus-events';
import type { Bus } from '../bus/bus';
import type { Db } from '../db/database';
import type { ReactionContext } from '../chat/pipeline-types';
import { markPublished } from './outbox';

/** Handlers of recorded domain events, by type; `chat` is the chat after the change (or null). */
export type DomainHandlers = { [T in RecordedEventType]?: (event: DomainEvent<T>, chat: ChatDto | null) => unknown };

/** A listener of the hub, declared in listeners.ts. */
export interface Listener {
  readonly name: string;
  readonly scope: 'every-node' | 'once';
  /** Domain events (chat lifecycle, distress, notes). */
  readonly on?: DomainHandlers;
  /** A stored message (`message.created`); `ctx` lets a once-listener add a reply. */
  onMessage?(message: MessageDto, chat: ChatFacts, ctx: ReactionContext): unknown;
  /** A frame outside seq order (every-node listeners). */
  onSignal?(audience: Audience, frame: SignalFrame, background: boolean): unknown;
  /** A waiting member's new queue position (every-node listeners). */
  onQueuePosition?(chat: ChatDto): unknown;
}

export interface HubDeps {
  bus: Bus;
  db: Db;
  log: { error(o: unknown, m?: string): void; warn(o: unknown, m?: string): void };
}

/** Remembers the last ids seen, bounded (events are handled at least once; this makes it once per node). */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max: number) {}
  /** True when the id is new (and remembers it). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.ids.size >= this.max) this.ids.delete(this.ids.values().next().value!);
    this.ids.add(id);
    return true;
  }
}

export class EventHub {
  private everyNode: Listener[] = [];
  private once: Listener[] = [];
  private messageOnce: Listener[] = [];
  private readonly seenHere = new RecentIds(20_000);
  private readonly ranOnce = new RecentIds(20_000);
  private unsubscribe: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly reacted = new Set<(message: MessageDto) => void>();

  constructor(private readonly deps: HubDeps) {}

  /** Declares the listeners, in the order they run (listeners.ts is the only caller). */
  register(listeners: Listener[]): void {
    this.everyNode = listeners.filter((l) => l.scope === 'every-node');
    this.once = listeners.filter((l) => l.scope === 'once');
    this.messageOnce = this.once.filter((l) => l.onMessage);
    this.unsubscribe ??= this.deps.bus.subscribe((e) => this.onBus(e));
  }

  /** Stops receiving from the bus. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /**
   * Publishes events whose transaction has committed: every node's listeners hear them through
   * the bus; the once-listeners run here, then the events are stamped as published.
   */
  committed(events: RecordedEvent[], chat: ChatDto | null): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    for (const event of events) this.deps.bus.publish({ type: 'domain', event, chat });
    const done = this.runOnce(events, chat)
      .then(() => markPublished(this.deps.db, events.map((e) => e.id)))
      .catch((err) => this.deps.log.warn({ err }, 'could not stamp events as published'))
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
    return done;
  }

  /** Waits for the once-listeners of published events (graceful shutdown, before the database closes). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Republishes events another node committed but never published (the relay). */
  async relayed(events: RecordedEvent[], chatOf: (chatId: string) => Promise<ChatDto | null>): Promise<void> {
    for (const event of events) {
      const chatId = (event.data as { chatId?: string }).chatId;
      const chat = chatId ? await chatOf(chatId) : null;
      this.deps.bus.publish({ type: 'domain', event, chat });
      await this.runOnce([event], chat);
    }
    await markPublished(this.deps.db, events.map((e) => e.id));
  }

  /**
   * A message has committed: every node delivers it; the once-listeners (desk, Dharma, insight)
   * react after the current step, never on the sender's ack path.
   */
  messageStored(message: MessageDto, chat: ChatFacts, ctx: ReactionContext): void {
    this.deps.bus.publish({ type: 'message', message, chat });
    if (this.messageOnce.length === 0) return;
    queueMicrotask(() => {
      const settled: Array<Promise<unknown>> | null = this.reacted.size ? [] : null;
      for (const listener of this.messageOnce) {
        try {
          const running = listener.onMessage!(message, chat, ctx);
          if (running instanceof Promise) {
            const caught = running.catch((err) => this.failed(listener, err, message.id));
            settled?.push(caught);
          }
        } catch (err) {
          this.failed(listener, err, message.id);
        }
      }
      if (settled) void Promise.all(settled).then(() => this.tellReacted(message));
    });
  }

  /** Tells `listener` when every once-listener of a stored message has finished (tests wait on it). */
  onReacted(listener: (message: MessageDto) => void): () => void {
    this.reacted.add(listener);
    return () => this.reacted.delete(listener);
  }

  private tellReacted(message: MessageDto): void {
    for (const listener of this.reacted) {
      try {
        listener(message);
      } catch {
        /* a test's listener must not touch the hub */
      }
    }
  }

  /** Publishes a frame outside seq order to an audience on every node. */
  signal(audience: Audience, frame: SignalFrame, opts: { background?: boolean } = {}): void {
    this.deps.bus.publish({ type: 'signal', audience, frame, ...(opts.background ? { background: true } : {}) });
  }

  /** Tells a waiting member where they stand in the queue. */
  queuePosition(chat: ChatDto): void {
    this.deps.bus.publish({ type: 'queue.position', chat });
  }

  private async runOnce(events: RecordedEvent[], chat: ChatDto | null): Promise<void> {
    for (const event of events) {
      if (!this.ranOnce.add(event.id)) continue;
      for (const listener of this.once) await this.call(listener, event, chat);
    }
  }

  private onBus(e: BusEvent): void {
    switch (e.type) {
      case 'message':
        for (const l of this.everyNode) if (l.onMessage) this.guard(l, () => l.onMessage!(e.message, e.chat, NO_REPLIES));
        return;
      case 'domain':
        if (!this.seenHere.add(e.event.id)) return;
        for (const l of this.everyNode) void this.call(l, e.event, e.chat);
        return;
      case 'signal':
        for (const l of this.everyNode) if (l.onSignal) this.guard(l, () => l.onSignal!(e.audience, e.frame, Boolean(e.background)));
        return;
      case 'queue.position':
        for (const l of this.everyNode) if (l.onQueuePosition) this.guard(l, () => l.onQueuePosition!(e.chat));
        return;
    }
  }

  private async call(listener: Listener, event: RecordedEvent, chat: ChatDto | null): Promise<void> {
    const handler = listener.on?.[event.type] as ((e: RecordedEvent, c: ChatDto | null) => unknown) | undefined;
    if (!handler) return;
    try {
      await handler.call(listener.on, event, chat);
    } catch (err) {
      this.failed(listener, err, event.id);
    }
  }

  private guard(listener: Listener, run: () => unknown): void {
    try {
      const r = run();
      if (r instanceof Promise) r.catch((err) => this.failed(listener, err));
    } catch (err) {
      this.failed(listener, err);
    }
  }

  private failed(listener: Listener, err: unknown, id?: string): void {
    this.deps.log.error({ err, listener: listener.name, id }, 'listener failed');
  }
}

/** Every-node listeners only deliver; replies are the once-listeners' business. */
const NO_REPLIES: ReactionContext = {
  postMessage: () => Promise.reject(new Error('every-node listeners do not post messages')),
};
