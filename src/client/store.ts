/**
 * Client-side state of every chat the user sees, kept current from HTTP (lists, history pages) and
 * the connection (messages, acks, chat changes, read receipts, typing). Framework-free: React
 * reads it through `subscribe` + `version` (useSyncExternalStore).
 */
import type { AckFrame, AttachmentDto, ChatDto, ErrorCode, ErrorFrame, MessageDto } from '../shared/protocol';
import type { AlertFrame, ServerFrame } from '../shared/frames';
import type { ApiClient } from './api';
import type { ChatConnection, OutgoingMessage } from './connection';

export type DeliveryState = 'sending' | 'sent' | 'read';

export interface ChatView {
  chat: ChatDto;
  /** Ascending seq, no duplicates. */
  messages: MessageDto[];
  loaded: boolean;
  hasMore: boolean;
  loadingOlder: boolean;
  /** Highest seq someone else has read. */
  readByOthers: number;
  /** Highest seq this user has read. */
  myRead: number;
  typing: { userId: string; until: number } | null;
  /** The last read cursor this client put on the wire. */
  readSent?: number;
  /** Sentiment scores of the member's messages by message id (staff only; from frames and history). */
  scores: Map<string, number>;
}

/** The member's mood in a chat: the newest scored message and the lowest score seen. */
export interface Mood {
  latest: number;
  lowest: number;
  /** How many scored messages it rests on. */
  count: number;
}

/** A distress alert as the UI shows it until dismissed (the `alert` frame of PROTOCOL.md). */
export interface DistressAlert {
  chatId: string;
  messageId: string;
  memberId: string;
  memberName: string;
  excerpt: string;
  phrases: string[];
  at: string;
}

/** An outgoing message as the UI shows it until the stored copy arrives. */
export interface PendingView {
  id: string;
  chatId: string;
  text: string;
  attachments: AttachmentDto[];
  state: 'sending' | 'sent';
}

export interface Refusal {
  chatId: string;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  text: string;
  attachments: AttachmentDto[];
}

const TYPING_MS = 5000;

/** Every chat the user sees, with its messages, read cursors, typing and unread counts. */
export class ChatStore {
  version = 0;
  readonly views = new Map<string, ChatView>();
  /** Distress alerts not yet dismissed, newest first. */
  alerts: DistressAlert[] = [];
  meId: string | null;
  private readonly listeners = new Set<() => void>();
  private readonly acked = new Map<string, { out: OutgoingMessage; seq: number }>();
  /** Messages that arrive while a chat's first page is loading: the page may predate them. */
  private readonly arrivingWhileLoading = new Map<string, MessageDto[]>();
  private readonly refusalListeners = new Set<(r: Refusal) => void>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    readonly api: ApiClient,
    readonly conn: ChatConnection,
    meId: string | null = null,
  ) {
    this.meId = meId;
    this.unsubscribe.push(
      conn.on('welcome', (me) => {
        this.meId = me.userId;
        // Chat changes are pushed only to connected sockets: whatever changed before this welcome
        // (a chat accepted while the first connection was still saying hello, or while we were
        // away) is fetched now.
        void this.refresh().catch(() => {});
        this.bump();
      }),
      conn.on('message', (m) => this.onMessage(m)),
      conn.on('ack', (ack, out) => this.onAck(ack, out)),
      conn.on('refused', (err, out) => this.onRefused(err, out)),
      conn.on('state', () => this.bump()),
      conn.on('frame', (f) => this.onFrame(f)),
    );
  }

  /** Subscribe for changes (returns unsubscribe). */
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Snapshot token for useSyncExternalStore. */
  getVersion = (): number => this.version;

  /** Stops listening to the connection. */
  dispose(): void {
    for (const u of this.unsubscribe) u();
  }

  /** Called with every refused message (its text comes back for editing). */
  onRefusal(fn: (r: Refusal) => void): () => void {
    this.refusalListeners.add(fn);
    return () => this.refusalListeners.delete(fn);
  }

  /** Loads the chats the user may see (optionally one status) into the store. */
  async refresh(status?: ChatDto['status']): Promise<ChatDto[]> {
    const chats = await this.api.chats(status);
    for (const c of chats) this.upsert(c);
    for (const v of this.views.values()) if (v.loaded) void this.catchUp(v.chat.id).catch(() => {});
    return chats;
  }

  /** Adds or updates a chat. */
  upsert(chat: ChatDto): ChatView {
    const v = this.views.get(chat.id);
    if (v) {
      // An answer computed before a change we already heard live (a page load racing an accept)
      // must not undo it. Every status change stores a system message, so lastSeq orders a chat's
      // states: an older one has a smaller lastSeq.
      if (chat.lastSeq < v.chat.lastSeq) return v;
      // Live frames may carry fewer extension fields than a list row: keep what we knew.
      v.chat = { ...v.chat, ...chat, ...(chat.status !== 'pending' ? { queuePosition: undefined, waitEstimateSeconds: undefined, offDuty: undefined } : {}) };
      // A queue frame says whether anyone can take the chat; its absence means someone can now.
      if (chat.queuePosition !== undefined || chat.status !== 'pending') v.chat.nobodyAvailable = chat.nobodyAvailable;
      this.bump();
      return v;
    }
    const view: ChatView = { chat, messages: [], loaded: false, hasMore: false, loadingOlder: false, readByOthers: 0, myRead: 0, typing: null, scores: new Map() };
    this.views.set(chat.id, view);
    this.bump();
    return view;
  }

  /** Opens a chat view: fetches the chat and its latest page of history (once). */
  async load(chatId: string): Promise<ChatView> {
    const existing = this.views.get(chatId);
    if (existing?.loaded) return existing;
    // The chat comes with the others' read cursors, so "read" marks survive a reload.
    const arriving: MessageDto[] = this.arrivingWhileLoading.get(chatId) ?? [];
    this.arrivingWhileLoading.set(chatId, arriving);
    let detail, page;
    try {
      [detail, page] = await Promise.all([this.api.chatDetail(chatId), this.api.history(chatId, null)]);
    } finally {
      this.arrivingWhileLoading.delete(chatId);
    }
    const view = this.upsert(detail.chat);
    view.readByOthers = Math.max(view.readByOthers, 0, ...Object.values(detail.readCursors));
    this.merge(view, [...page.messages, ...arriving]);
    view.hasMore = page.hasMore;
    view.loaded = true;
    // Even an empty chat gets a resume cursor, so a reconnect replays whatever came meanwhile.
    this.conn.track(chatId, view.messages.at(-1)?.seq ?? 0);
    // What was there when the view opened counts as read; unread counts what arrives after.
    view.myRead = Math.max(view.myRead, view.messages.at(-1)?.seq ?? 0);
    this.bump();
    return view;
  }

  /** Loads the page before the oldest message shown (upward infinite scroll). */
  async loadOlder(chatId: string): Promise<void> {
    const view = this.views.get(chatId);
    if (!view || !view.hasMore || view.loadingOlder) return;
    view.loadingOlder = true;
    this.bump();
    try {
      const page = await this.api.history(chatId, view.messages[0]?.seq ?? null);
      this.merge(view, page.messages);
      view.hasMore = page.hasMore;
    } finally {
      view.loadingOlder = false;
      this.bump();
    }
  }

  /** Sends a message through the outbox. */
  send(chatId: string, text: string, attachments: AttachmentDto[] = []): OutgoingMessage {
    const out = this.conn.send(chatId, text, attachments.map((a) => a.id), attachments);
    this.bump();
    return out;
  }

  /** Outgoing messages of a chat not yet shown as stored. */
  pending(chatId: string): PendingView[] {
    const view = this.views.get(chatId);
    const stored = new Set(view?.messages.map((m) => m.seq));
    const sending = this.conn.pending(chatId).map((o) => toPending(o, 'sending'));
    const sent = [...this.acked.values()].filter((a) => a.out.chatId === chatId && !stored.has(a.seq)).map((a) => toPending(a.out, 'sent'));
    return [...sent, ...sending];
  }

  /** Delivery state of one of my stored messages. */
  stateOf(m: MessageDto): DeliveryState {
    const view = this.views.get(m.chatId);
    return view && view.readByOthers >= m.seq ? 'read' : 'sent';
  }

  /** Messages from others not yet read by me. */
  unread(chatId: string): number {
    const view = this.views.get(chatId);
    if (!view) return 0;
    if (!view.loaded) return Math.max(0, view.chat.lastSeq - view.myRead);
    return view.messages.filter((m) => m.seq > view.myRead && m.senderId !== this.meId).length;
  }

  /** Marks the chat read up to its newest message (when the user is looking at it). */
  markRead(chatId: string): void {
    const view = this.views.get(chatId);
    const last = view?.messages.at(-1)?.seq ?? 0;
    if (!view || last <= 0) return;
    const changed = last > view.myRead;
    view.myRead = Math.max(view.myRead, last);
    // Only the member and the assignee read for the chat (the server refuses anyone else);
    // others keep their unread count on this device only.
    const participant = view.chat.memberId === this.meId || view.chat.assigneeId === this.meId;
    // Sent even if nothing changed locally: an unchanged cursor costs the server nothing.
    if (participant && (changed || view.readSent !== last)) {
      this.conn.read(chatId, last);
      if (this.conn.state === 'open') view.readSent = last;
    }
    if (changed) this.bump();
  }

  /** The member's mood in a chat from the scored messages this client knows, or null. */
  mood(chatId: string): Mood | null {
    const view = this.views.get(chatId);
    if (!view || view.scores.size === 0) return null;
    // Newest by seq among loaded messages; a score for a message not loaded yet arrived last.
    const loaded = new Map(view.messages.map((m) => [m.id, m.seq]));
    let latest: { seq: number; score: number } | null = null;
    let lowest = Infinity;
    for (const [id, score] of view.scores) {
      const seq = loaded.get(id) ?? Number.MAX_SAFE_INTEGER;
      if (!latest || seq >= latest.seq) latest = { seq, score };
      lowest = Math.min(lowest, score);
    }
    return { latest: latest!.score, lowest, count: view.scores.size };
  }

  /** Removes a distress alert from the list shown. */
  dismissAlert(messageId: string): void {
    const before = this.alerts.length;
    this.alerts = this.alerts.filter((a) => a.messageId !== messageId);
    if (this.alerts.length !== before) this.bump();
  }

  /** Whether someone else is typing in the chat now. */
  typingIn(chatId: string): boolean {
    const t = this.views.get(chatId)?.typing;
    return Boolean(t && t.until > Date.now());
  }

  private async catchUp(chatId: string): Promise<void> {
    // Messages the resume did not cover (chats this connection had no cursor for).
    const view = this.views.get(chatId);
    if (!view) return;
    const last = view.messages.at(-1)?.seq ?? 0;
    if (view.chat.lastSeq <= last) return;
    const page = await this.api.history(chatId, null, 100);
    this.merge(view, page.messages.filter((m) => m.seq > last));
    this.bump();
  }

  private onMessage(m: MessageDto): void {
    this.arrivingWhileLoading.get(m.chatId)?.push(m);
    const view = this.views.get(m.chatId);
    if (!view) {
      // A chat we did not know yet (e.g. assigned to us): fetch it so lists show it.
      void this.api.chat(m.chatId).then((c) => this.upsert(c), () => {});
      return;
    }
    if (m.seq > view.chat.lastSeq) view.chat = { ...view.chat, lastSeq: m.seq };
    if (view.loaded) this.merge(view, [m]);
    if (m.senderId === this.meId) view.myRead = Math.max(view.myRead, m.seq);
    if (view.typing && m.senderId === view.typing.userId) view.typing = null;
    this.bump();
  }

  private onAck(ack: AckFrame, out: OutgoingMessage): void {
    this.acked.set(out.id, { out, seq: ack.seq });
    if (this.acked.size > 500) this.acked.delete(this.acked.keys().next().value!);
    this.bump();
  }

  private onRefused(err: ErrorFrame, out: OutgoingMessage): void {
    const refusal: Refusal = { chatId: out.chatId, code: err.code, message: err.message, text: out.text, attachments: (out.preview as AttachmentDto[] | undefined) ?? [], ...(err.details ? { details: err.details } : {}) };
    for (const fn of this.refusalListeners) fn(refusal);
    this.bump();
  }

  /** Every frame the store keeps state from; the others (welcome, ack, error…) the connection handles. */
  private onFrame(f: ServerFrame): void {
    switch (f.type) {
      case 'chat':
        this.upsert(f.chat);
        return;
      case 'alert':
        this.onAlert(f);
        return;
      case 'read': {
        const view = this.views.get(f.chatId);
        if (!view) return;
        if (f.userId === this.meId) view.myRead = Math.max(view.myRead, f.seq);
        else view.readByOthers = Math.max(view.readByOthers, f.seq);
        this.bump();
        return;
      }
      case 'sentiment': {
        const view = this.views.get(f.chatId);
        if (!view) return;
        view.scores.set(f.messageId, f.score);
        view.messages = view.messages.map((m) => (m.id === f.messageId ? { ...m, sentimentScore: f.score } : m));
        this.bump();
        return;
      }
      case 'typing': {
        const view = this.views.get(f.chatId);
        if (!view || f.userId === this.meId) return;
        view.typing = { userId: f.userId, until: Date.now() + TYPING_MS };
        setTimeout(() => this.bump(), TYPING_MS + 50);
        this.bump();
        return;
      }
      default:
        return;
    }
  }

  private onAlert(f: AlertFrame): void {
    const alert: DistressAlert = {
      chatId: f.chatId,
      messageId: f.messageId,
      memberId: f.memberId ?? '',
      memberName: f.memberName,
      excerpt: f.excerpt,
      phrases: f.phrases,
      at: f.at,
    };
    if (this.alerts.some((a) => a.messageId === alert.messageId)) return;
    this.alerts = [alert, ...this.alerts].slice(0, 20);
    const view = this.views.get(alert.chatId);
    if (view) view.chat = { ...view.chat, distress: true };
    this.bump();
  }

  private merge(view: ChatView, incoming: MessageDto[]): void {
    if (!incoming.length) return;
    this.conn.markSeen(incoming);
    for (const m of incoming) if (typeof m.sentimentScore === 'number') view.scores.set(m.id, m.sentimentScore);
    // New to the view and each once: a first page and what arrived live meanwhile may overlap.
    const seen = new Set(view.messages.map((m) => m.id));
    const fresh = incoming.filter((m) => !seen.has(m.id) && (seen.add(m.id), true));
    if (!fresh.length) return;
    view.messages = [...view.messages, ...fresh].sort((a, b) => a.seq - b.seq);
    const last = view.messages.at(-1)!;
    if (last.seq > view.chat.lastSeq) view.chat = { ...view.chat, lastSeq: last.seq };
  }

  private bump(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }
}

function toPending(o: OutgoingMessage, state: 'sending' | 'sent'): PendingView {
  return { id: o.id, chatId: o.chatId, text: o.text, attachments: (o.preview as AttachmentDto[] | undefined) ?? [], state };
}
