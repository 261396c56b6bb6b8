/** The messages between the load driver and its worker processes (Node IPC, JSON). */
import type { HistogramSnapshot } from './histogram';
import type { Protocol } from './endpoints';

/** How the workers reach one system under test. */
export interface SystemSpec {
  name: string;
  protocol: Protocol;
  /** Whether chats are made over LotusDesk's HTTP API (with signed tokens) or just named. */
  lotus: boolean;
  /** Where members connect, and where agents connect (two nodes for cross-node fan-out). */
  memberUrl: string;
  agentUrl: string;
  /** Where idle connections go, spread evenly (several server processes hold more than one can). */
  idleUrls?: string[];
  /** LotusDesk's HTTP base, for opening and accepting chats. */
  httpUrl?: string;
  /** HS256 secret shared with the LotusDesk nodes, to sign tokens as the shop would. */
  secret?: string;
}

export type Command =
  | { cmd: 'prepare'; system: SystemSpec; pairs: number; sourceIps: string[]; tag: string }
  | { cmd: 'connect' }
  | { cmd: 'closedLoop'; warmupMs: number; durationMs: number; window: number }
  | { cmd: 'openLoop'; warmupMs: number; durationMs: number; ratePerSec: number }
  | { cmd: 'idle'; system: SystemSpec; count: number; sourceIps: string[]; tag: string }
  | { cmd: 'close' };

/** What one worker measured during a load phase. */
export interface PhaseResult {
  sent: number;
  acked: number;
  delivered: number;
  errors: Record<string, number>;
  /** Sends that had neither an ack nor an error after the drain wait. */
  lostAcks: number;
  /** Sends whose message never reached the other party after the drain wait. */
  undelivered: number;
  /** Deliveries to the other party inside the measured window. */
  deliveredInWindow: number;
  windowMs: number;
  ack: HistogramSnapshot;
  delivery: HistogramSnapshot;
  /** The worker's own CPU time over the phase, as a share of one core (1 = one core busy). */
  cpuCores: number;
}

export type Reply = { ok: true; result?: unknown } | { ok: false; error: string };
