/**
 * Factories for the medium tier: users and chats in the states tests start from, written through
 * the services where one exists (UserDirectory, ChatService) and as the desk writes them otherwise
 * (presence, shifts, the queue routing chose).
 */
import { randomUUID } from 'node:crypto';
import type { ChatDto } from '../../src/shared/protocol';
import type { User } from '../../src/server/identity/users';
import type { MediumContext } from './medium';

type Ctx = Pick<MediumContext, 'db' | 'users' | 'chats' | 'clock'>;

/** A member, known to the user directory as on first sight of their token. */
export async function member(ctx: Ctx, name = `居士-${randomUUID().slice(0, 6)}`): Promise<User> {
  return ctx.users.fromClaims({ sub: `member-${randomUUID()}`, role: 'member', name });
}

export interface AgentOptions {
  name?: string;
  role?: 'agent' | 'master';
  /** Presence (default online, as after connecting with chosen status online). */
  presence?: 'online' | 'away' | 'offline';
  /** A shift covering now (default true). */
  onShift?: boolean;
  maxConcurrent?: number;
  skills?: string[];
  languages?: string[];
}

/** An agent (or master), by default online and on a shift covering the context's now. */
export async function agent(ctx: Ctx, opts: AgentOptions = {}): Promise<User> {
  const role = opts.role ?? 'agent';
  const user = await ctx.users.fromClaims({ sub: `${role}-${randomUUID()}`, role, name: opts.name ?? `客服-${randomUUID().slice(0, 6)}` });
  const now = ctx.clock.now();
  const presence = opts.presence ?? 'online';
  await ctx.db
    .updateTable('users')
    .set({
      presence,
      chosen_status: presence,
      last_seen_at: now,
      offline_since: presence === 'offline' ? now : null,
      ...(opts.maxConcurrent !== undefined ? { max_concurrent: opts.maxConcurrent } : {}),
      ...(opts.skills ? { skills: opts.skills } : {}),
      ...(opts.languages ? { languages: opts.languages } : {}),
    })
    .where('id', '=', user.id)
    .execute();
  if (opts.onShift ?? true) {
    await ctx.db
      .insertInto('customer_service_schedule')
      .values({ user_id: user.id, shift_start: new Date(now.getTime() - 3600_000), shift_end: new Date(now.getTime() + 8 * 3600_000) })
      .execute();
  }
  return user;
}

/** A chat the member opened, waiting in `queue` (as the desk's routing files it; default general). */
export async function pendingChat(ctx: Ctx, owner: User, opts: { topic?: string; queue?: string } = {}): Promise<ChatDto> {
  const { chat } = await ctx.chats.create(owner, opts.topic ?? null);
  await ctx.db.updateTable('chats').set({ queue: opts.queue ?? 'general' }).where('id', '=', chat.id).execute();
  return chat;
}

/** A chat the member opened and `by` accepted (接聽), through the chat service. */
export async function acceptedChat(ctx: Ctx, owner: User, by: User, opts: { topic?: string; queue?: string } = {}): Promise<ChatDto> {
  const chat = await pendingChat(ctx, owner, opts);
  return ctx.chats.accept(by, chat.id);
}
