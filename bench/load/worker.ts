/**
 * One load-generator process: holds its share of member/agent pairs (or idle connections), runs
 * closed-loop (saturation) and open-loop (fixed rate) phases, and reports counts, mergeable
 * latency histograms and its own CPU use. Several of these run side by side for client CPU.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Command, PhaseResult, Reply, SystemSpec } from './commands';
import { connect, type Endpoint } from './endpoints';
import { Histogram } from './histogram';
import { memberText } from './texts';

interface Pair {
  index: number;
  chatId: string;
  memberToken: string;
  agentToken: string;
  member?: Endpoint;
  agent?: Endpoint;
  outstanding: number;
  n: number;
}

interface InFlight {
  at: number;
  messageId?: string;
  pair: Pair;
  acked: boolean;
  delivered: boolean;
}

let system: SystemSpec | null = null;
let sourceIps: string[] = ['127.0.0.1'];
let tag = 'w';
let pairs: Pair[] = [];
let idle: Endpoint[] = [];
const inFlight = new Map<string, InFlight>();
/** In-flight sends by stored message id, once acked. */
const byMessageId = new Map<string, string>();
/** Deliveries that beat their ack to the client: message id → arrival time. */
const early = new Map<string, number>();

/** Per-phase state, reset by `beginPhase`. */
let phase = freshPhase();
function freshPhase() {
  return {
    measuring: false, windowStart: 0, windowEnd: Infinity, running: false, window: 0,
    sent: 0, acked: 0, delivered: 0, deliveredInWindow: 0, errors: {} as Record<string, number>,
    ack: new Histogram(), delivery: new Histogram(),
  };
}

process.on('message', (command: Command) => {
  handle(command).then(
    (result) => process.send!({ ok: true, result } satisfies Reply),
    (err) => process.send!({ ok: false, error: String(err?.stack ?? err) } satisfies Reply),
  );
});

async function handle(c: Command): Promise<unknown> {
  switch (c.cmd) {
    case 'prepare':
      system = c.system;
      sourceIps = c.sourceIps;
      tag = c.tag;
      pairs = await preparePairs(c.system, c.pairs);
      return { pairs: pairs.length };
    case 'connect':
      await connectPairs();
      return { connections: pairs.length * 2 };
    case 'closedLoop':
      return closedLoop(c.warmupMs, c.durationMs, c.window);
    case 'openLoop':
      return openLoop(c.warmupMs, c.durationMs, c.ratePerSec);
    case 'idle':
      system = c.system;
      sourceIps = c.sourceIps;
      tag = c.tag;
      return openIdle(c.count);
    case 'close':
      for (const p of pairs) {
        p.member?.close();
        p.agent?.close();
      }
      for (const e of idle) e.close();
      pairs = [];
      idle = [];
      setTimeout(() => process.exit(0), 200);
      return {};
  }
}

/** Signs a token the way the shop does (HS256, sub/role/name/exp). */
async function sign(secret: string, sub: string, role: 'member' | 'agent', name: string): Promise<string> {
  return new SignJWT({ role, name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
    .sign(new TextEncoder().encode(secret));
}

async function lotusApi(s: SystemSpec, path: string, token: string, body: unknown): Promise<any> {
  const res = await fetch(s.httpUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Opens one chat per pair: over LotusDesk's API (member opens, agent accepts) or by name. */
async function preparePairs(s: SystemSpec, count: number): Promise<Pair[]> {
  const out: Pair[] = [];
  await inBatches(count, 16, async (index) => {
    const run = randomUUID().slice(0, 8);
    if (!s.lotus) {
      out.push({ index, chatId: randomUUID(), memberToken: `m-${tag}-${index}`, agentToken: `a-${tag}-${index}`, outstanding: 0, n: 0 });
      return;
    }
    const memberToken = await sign(s.secret!, `bench-m-${tag}-${run}-${index}`, 'member', `居士${index}`);
    const agentToken = await sign(s.secret!, `bench-a-${tag}-${run}-${index}`, 'agent', `客服${index}`);
    const { chat } = await lotusApi(s, '/api/chats', memberToken, { topic: '念珠出貨' });
    await lotusApi(s, `/api/chats/${chat.id}/accept`, agentToken, {});
    out.push({ index, chatId: chat.id, memberToken, agentToken, outstanding: 0, n: 0 });
  });
  return out.sort((a, b) => a.index - b.index);
}

async function connectPairs(): Promise<void> {
  const s = system!;
  await inBatches(pairs.length, 32, async (i) => {
    const p = pairs[i];
    const ip = sourceIps[i % sourceIps.length];
    p.member = await connect({
      protocol: s.protocol, url: s.memberUrl, token: p.memberToken, chatIds: [p.chatId], localAddress: ip,
      events: { ack: onAck, message: () => {}, error: onError, closed: () => onClosed('member') },
    });
    p.agent = await connect({
      protocol: s.protocol, url: s.agentUrl, token: p.agentToken, chatIds: [p.chatId], localAddress: ip,
      events: { ack: onAck, message: onDelivered, error: onError, closed: () => onClosed('agent') },
    });
  });
}

/** Idle connections: authenticated (hello → welcome) and then silent. */
async function openIdle(count: number): Promise<{ connections: number }> {
  const s = system!;
  const run = randomUUID().slice(0, 8);
  const start = idle.length;
  const urls = s.idleUrls ?? [s.memberUrl];
  await inBatches(count, 200, async (i) => {
    const n = start + i;
    const token = s.lotus ? await sign(s.secret!, `bench-idle-${tag}-${run}-${n}`, 'member', `居士${n}`) : `idle-${tag}-${n}`;
    idle.push(
      await connect({
        protocol: s.protocol, url: urls[n % urls.length], token, chatIds: [], localAddress: sourceIps[n % sourceIps.length],
        events: { ack: () => {}, message: () => {}, error: () => {}, closed: () => onClosed('idle') },
        timeoutMs: 60_000,
      }),
    );
  });
  return { connections: idle.length };
}

function sendOne(p: Pair): void {
  const id = `${tag}-${p.index}-${++p.n}`;
  const at = performance.now();
  inFlight.set(id, { at, pair: p, acked: false, delivered: false });
  p.outstanding++;
  phase.sent++;
  p.member!.send(id, p.chatId, memberText(p.index * 7919 + p.n));
}

function settle(id: string, f: InFlight): void {
  if (!(f.acked && f.delivered)) return;
  inFlight.delete(id);
  byMessageId.delete(f.messageId!);
}

function onAck(id: string, messageId: string): void {
  const f = inFlight.get(id);
  if (!f || f.acked) return;
  f.acked = true;
  f.messageId = messageId;
  byMessageId.set(messageId, id);
  phase.acked++;
  const now = performance.now();
  if (phase.measuring && f.at >= phase.windowStart) phase.ack.recordMs(now - f.at);
  f.pair.outstanding--;
  const arrived = early.get(messageId);
  if (arrived !== undefined) {
    early.delete(messageId);
    delivered(f, arrived);
  }
  settle(id, f);
  if (phase.running && phase.window > 0) sendOne(f.pair);
}

/** A message reached the agent; it is matched to its send through the ack's message id. */
function onDelivered(messageId: string): void {
  const id = byMessageId.get(messageId);
  const now = performance.now();
  if (id === undefined) {
    early.set(messageId, now);
    return;
  }
  const f = inFlight.get(id);
  if (!f || f.delivered) return;
  delivered(f, now);
  settle(id, f);
}

function delivered(f: InFlight, at: number): void {
  f.delivered = true;
  phase.delivered++;
  if (phase.measuring && f.at >= phase.windowStart) phase.delivery.recordMs(at - f.at);
  if (at >= phase.windowStart && at <= phase.windowEnd) phase.deliveredInWindow++;
}

function onError(id: string | undefined, code: string): void {
  phase.errors[code] = (phase.errors[code] ?? 0) + 1;
  const f = id ? inFlight.get(id) : undefined;
  if (!f) return;
  inFlight.delete(id!);
  f.pair.outstanding--;
  if (phase.running && phase.window > 0) sendOne(f.pair);
}

let closedCounts: Record<string, number> = {};
function onClosed(who: string): void {
  closedCounts[who] = (closedCounts[who] ?? 0) + 1;
}

/** Saturation: every member keeps `window` messages in flight for the whole phase. */
async function closedLoop(warmupMs: number, durationMs: number, window: number): Promise<PhaseResult> {
  const start = beginPhase(warmupMs, durationMs);
  phase.window = window;
  for (const p of pairs) for (let i = 0; i < window; i++) sendOne(p);
  await sleep(warmupMs + durationMs);
  return endPhase(start);
}

/** Fixed rate: sends spread evenly over time and over pairs, whatever the replies do. */
async function openLoop(warmupMs: number, durationMs: number, ratePerSec: number): Promise<PhaseResult> {
  const start = beginPhase(warmupMs, durationMs);
  phase.window = 0;
  let next = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - t0;
      if (elapsed >= warmupMs + durationMs) return (clearInterval(timer), resolve());
      const due = Math.floor((elapsed / 1000) * ratePerSec) - phase.sent;
      for (let i = 0; i < due; i++) sendOne(pairs[next++ % pairs.length]);
    }, 2);
  });
  return endPhase(start);
}

function beginPhase(warmupMs: number, durationMs: number): { wall: number; cpu: NodeJS.CpuUsage } {
  phase = freshPhase();
  closedCounts = {};
  const now = performance.now();
  phase.running = true;
  phase.measuring = true;
  phase.windowStart = now + warmupMs;
  phase.windowEnd = now + warmupMs + durationMs;
  return { wall: now, cpu: process.cpuUsage() };
}

async function endPhase(start: { wall: number; cpu: NodeJS.CpuUsage }): Promise<PhaseResult> {
  phase.running = false;
  const cpu = process.cpuUsage(start.cpu);
  const wall = performance.now() - start.wall;
  // Let what is in flight land, so a slow ack counts as slow rather than lost.
  const until = Date.now() + 10_000;
  while (inFlight.size > 0 && Date.now() < until) await sleep(50);
  phase.measuring = false;
  let lostAcks = 0;
  let undelivered = 0;
  for (const f of inFlight.values()) {
    if (!f.acked) lostAcks++;
    if (!f.delivered) undelivered++;
  }
  inFlight.clear();
  byMessageId.clear();
  early.clear();
  for (const p of pairs) p.outstanding = 0;
  if (Object.keys(closedCounts).length) phase.errors.closed = Object.values(closedCounts).reduce((a, b) => a + b, 0);
  return {
    sent: phase.sent, acked: phase.acked, delivered: phase.delivered, errors: phase.errors, lostAcks, undelivered,
    deliveredInWindow: phase.deliveredInWindow, windowMs: phase.windowEnd - phase.windowStart,
    ack: phase.ack.snapshot(), delivery: phase.delivery.snapshot(),
    cpuCores: (cpu.user + cpu.system) / 1000 / wall,
  };
}

async function inBatches(count: number, parallel: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(parallel, count) }, async () => {
    while (next < count) await work(next++);
  });
  await Promise.all(lanes);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
