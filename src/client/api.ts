/** Typed HTTP client for the LotusDesk API (docs/PROTOCOL.md), shared by the web app and tests. */
import type { AttachmentDto, ChatDto, ChatStatus, ErrorBody, ErrorCode, Locale, MessageDto, RatingDto, Role, SearchResultDto } from '../shared/protocol';
import type { NoteDto } from '../shared/frames';

/** An HTTP refusal with the contract's error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface Me {
  id: string;
  externalId: string;
  role: Role;
  name: string;
  tier?: string;
}

export interface DemoUser {
  sub: string;
  name: string;
  role: Role;
}

export type Presence = 'online' | 'away' | 'offline';

/** One of a member's chats as GET /api/members/:id/chats lists it. */
export interface MemberChatSummary {
  id: string;
  topic: string | null;
  status: ChatStatus;
  createdAt: string;
  closedAt: string | null;
  assigneeName: string | null;
}

export interface RosterEntry {
  id: string;
  name: string;
  role: Role;
  status: Presence;
  load: number;
  capacity: number;
  skills: string[];
}

/** The HTTP API, one method per endpoint the web app uses; errors become ApiError. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    public token: string | null = null,
    public locale: Locale = 'zh-TW',
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** One request; JSON in and out; a refusal becomes an ApiError (network failures stay TypeErrors). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'accept-language': this.locale };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await this.fetchImpl(this.baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    const json = text ? safeJson(text) : null;
    if (!res.ok) {
      const err = (json as ErrorBody | null)?.error;
      throw new ApiError(res.status, err?.code ?? (res.status >= 500 ? 'internal' : 'invalid'), err?.message ?? res.statusText, err?.details);
    }
    return json as T;
  }

  /** The caller. */
  me(): Promise<{ user: Me }> {
    return this.request('GET', '/api/me');
  }
  /** Demo users, or null when dev login is off (a JWT secret is configured). */
  async devUsers(): Promise<DemoUser[] | null> {
    try {
      return (await this.request<{ users: DemoUser[] }>('GET', '/api/dev/users')).users;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }
  /** Dev login (embedded default only). */
  async devLogin(name: string, role: Role): Promise<string> {
    return (await this.request<{ token: string }>('POST', '/api/dev/login', { name, role })).token;
  }
  /** Opens a chat (members); returns the live one if there is one. */
  async openChat(topic: string | null): Promise<ChatDto> {
    return (await this.request<{ chat: ChatDto }>('POST', '/api/chats', topic ? { topic } : {})).chat;
  }
  /** Chats the caller may see. */
  async chats(status?: ChatStatus): Promise<ChatDto[]> {
    return (await this.request<{ chats: ChatDto[] }>('GET', `/api/chats${status ? `?status=${status}` : ''}`)).chats;
  }
  /** One chat. */
  async chat(id: string): Promise<ChatDto> {
    return (await this.request<{ chat: ChatDto }>('GET', `/api/chats/${encodeURIComponent(id)}`)).chat;
  }
  /** One chat with how far the other readers have read (userId → seq). */
  async chatDetail(id: string): Promise<{ chat: ChatDto; readCursors: Record<string, number> }> {
    const r = await this.request<{ chat: ChatDto; readCursors?: Record<string, number> }>('GET', `/api/chats/${encodeURIComponent(id)}`);
    return { chat: r.chat, readCursors: r.readCursors ?? {} };
  }
  /** A member's chats, newest first (staff serving the member, supervisors, admins). */
  async memberChats(memberId: string): Promise<MemberChatSummary[]> {
    return (await this.request<{ chats: MemberChatSummary[] }>('GET', `/api/members/${encodeURIComponent(memberId)}/chats`)).chats;
  }
  /** A page of one of a member's closed chats, read-only (ascending seq). */
  memberHistory(memberId: string, chatId: string, before?: number | null, limit = 50): Promise<{ messages: MessageDto[]; hasMore: boolean }> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before) q.set('before', String(before));
    return this.request('GET', `/api/members/${encodeURIComponent(memberId)}/chats/${encodeURIComponent(chatId)}/messages?${q}`);
  }
  /** A page of history before `before` (ascending seq). */
  history(chatId: string, before?: number | null, limit = 50): Promise<{ messages: MessageDto[]; hasMore: boolean }> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before) q.set('before', String(before));
    return this.request('GET', `/api/chats/${encodeURIComponent(chatId)}/messages?${q}`);
  }
  /** Takes a pending chat (接聽). */
  async accept(chatId: string): Promise<ChatDto> {
    return (await this.request<{ chat: ChatDto }>('POST', `/api/chats/${encodeURIComponent(chatId)}/accept`)).chat;
  }
  /** Transfers to an agent or master id, or back to "queue". */
  async transfer(chatId: string, to: string, note?: string): Promise<ChatDto> {
    return (await this.request<{ chat: ChatDto }>('POST', `/api/chats/${encodeURIComponent(chatId)}/transfer`, { to, ...(note ? { note } : {}) })).chat;
  }
  /** Closes a chat. */
  async close(chatId: string): Promise<ChatDto> {
    return (await this.request<{ chat: ChatDto }>('POST', `/api/chats/${encodeURIComponent(chatId)}/close`)).chat;
  }
  /** Sets my presence (agents and masters). */
  async setPresence(status: Presence): Promise<Presence> {
    return (await this.request<{ status: Presence }>('POST', '/api/presence', { status })).status;
  }
  /** Everyone who serves, with presence and load (staff only). */
  async roster(): Promise<RosterEntry[]> {
    return (await this.request<{ agents: RosterEntry[] }>('GET', '/api/presence')).agents;
  }
  /** Uploads one file (multipart field `file`). */
  async upload(file: Blob, name: string): Promise<AttachmentDto> {
    const form = new FormData();
    form.append('file', file, name);
    return (await this.request<{ attachment: AttachmentDto }>('POST', '/api/uploads', form)).attachment;
  }
  /** The private notes of a chat, oldest first (staff). */
  async notes(chatId: string): Promise<NoteDto[]> {
    return (await this.request<{ notes: NoteDto[] }>('GET', `/api/chats/${encodeURIComponent(chatId)}/notes`)).notes;
  }
  /** Writes a private note (staff). */
  async addNote(chatId: string, text: string): Promise<NoteDto> {
    return (await this.request<{ note: NoteDto }>('POST', `/api/chats/${encodeURIComponent(chatId)}/notes`, { text })).note;
  }
  /** Sets a chat's labels (staff). */
  async setLabels(chatId: string, labels: string[]): Promise<ChatDto> {
    return (await this.request<{ chat: ChatDto }>('PUT', `/api/chats/${encodeURIComponent(chatId)}/labels`, { labels })).chat;
  }
  /** The chat's satisfaction rating, or null. */
  async rating(chatId: string): Promise<RatingDto | null> {
    return (await this.request<{ rating: RatingDto | null }>('GET', `/api/chats/${encodeURIComponent(chatId)}/rating`)).rating;
  }
  /** Rates a closed chat (its member, once). */
  async rate(chatId: string, score: number, comment?: string): Promise<RatingDto> {
    return (await this.request<{ rating: RatingDto }>('POST', `/api/chats/${encodeURIComponent(chatId)}/rating`, { score, ...(comment ? { comment } : {}) })).rating;
  }
  /** Searches messages in the chats I may see (staff), newest first. */
  async search(q: string, limit = 20): Promise<SearchResultDto[]> {
    return (await this.request<{ results: SearchResultDto[] }>('GET', `/api/search?${new URLSearchParams({ q, limit: String(limit) })}`)).results;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
