/**
 * The service desk, composed: queue routing and urgency when chats open and members write,
 * presence, shifts, automatic assignment, re-queue of dropped agents, inactivity close,
 * first-response stamps and the live dashboard for supervisors.
 */
import { sql } from 'kysely';
import type { Bus } from '../bus/bus';
import type { ChatService } from '../chat/chat-service';
import type { Reaction } from '../chat/pipeline-types';
import { LINES } from '../chat/transitions';
import type { EventHub, Listener } from '../events/hub';
import { arrayLiteral } from '../db/array-literal';
import type { Db } from '../db/database';
import { SerialBatcher } from '../lib/serial-batcher';
import { AssignmentService, type MastersFirstPolicy } from './assignment';
import type { Clock } from '../core/clock';
import { PresenceService, type PresenceChange } from './presence';
import { baseUrgency, urgencyWordsIn } from './priority';
import { routeToQueue } from './routing';
import { onDutySql, ScheduleService } from './schedule';
import { DeskSettings } from './desk-settings';
import { DeskStats } from './stats';

export interface DeskOptions {
  timezone: string;
  offlineGraceMs: number;
  requeueGraceMs: number;
  inactivityMs: number;
  /** How long a chat waits for its queue's skill or its language before anyone available may take it. */
  skillFallbackMs?: number;
  /** Run periodic sweeps in this process (the cron role). */
  runTimers: boolean;
}

export interface DeskDeps {
  db: Db;
  bus: Bus;
  chats: ChatService;
  hub: EventHub;
  clock: Clock;
  log: { warn(o: unknown, m?: string): void; error(o: unknown, m?: string): void };
  /** Cluster-wide scheduler (ops/cron.ts): with several cron processes, each tick runs once. */
  cron?: { every(name: string, ms: number, task: () => Promise<unknown>): void } | null;
  /** Masters' duty mode (duty/duty.ts): Dharma-topic chats go to masters first while it is on. */
  duty?: Pick<MastersFirstPolicy, 'mode'> | null;
}

export class Desk {
  readonly schedule: ScheduleService;
  readonly presence: PresenceService;
  readonly assignment: AssignmentService;
  readonly stats: DeskStats;
  /** Queues' and people's settings (supervisors). */
  readonly settings: DeskSettings;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private dashboardTimer: NodeJS.Timeout | null = null;
  /** Moods are written at most every 50 ms: a new low only reorders the queue, nobody waits on it. */
  private readonly moods = new SerialBatcher<{ chatId: string; score: number }, void>((moods) => this.recordLows(moods), { spacingMs: 50 });

  constructor(
    private readonly deps: DeskDeps,
    private readonly opts: DeskOptions,
  ) {
    const { db, clock } = deps;
    this.schedule = new ScheduleService(db, opts.timezone);
    this.presence = new PresenceService(db, this.schedule, clock, { offlineGraceMs: opts.offlineGraceMs, requeueGraceMs: opts.requeueGraceMs }, (c) => this.onPresence(c));
    const duty = deps.duty;
    const mastersFirst: MastersFirstPolicy = {
      mode: (now) => (duty ? duty.mode(now) : Promise.resolve({ active: false, masterFirstMs: 0 })),
      // One delayed pass per chat and due second, however many passes skip the chat meanwhile.
      fallbackDue: (chatId, delayMs) => {
        const due = Math.ceil((clock.now().getTime() + delayMs) / 1000);
        void deps.bus.enqueue('chat.assign', { reason: 'masters-first fallback' }, { jobId: `masters-first-${chatId}-${due}`, delayMs: Math.max(0, delayMs) + 50 }).catch((err) => deps.log.warn({ err }, 'could not queue the fallback'));
      },
    };
    this.assignment = new AssignmentService(db, deps.chats, clock, opts.timezone, mastersFirst, opts.skillFallbackMs ?? 120_000);
    this.stats = new DeskStats(db, clock, opts.timezone, this.presence);
    this.settings = new DeskSettings(db, (reason) => this.requestAssignment(reason));
  }

  /**
   * The desk's part in every chat change (once per change in the cluster): a new chat is routed
   * and offered; a chat back in the queue counts its moods and words again; every change that
   * moves the queue tells the waiting members their new place and refreshes the dashboard.
   */
  readonly listener: Listener = {
    name: 'desk',
    scope: 'once',
    on: {
      'chat.created': (e) => this.routeNewChat(e.data.chatId, e.data.topic),
      'chat.assigned': () => this.queueMoved(),
      'chat.transferred': (e) => (e.data.toAssigneeId === null ? this.backInQueue(e.data.chatId) : this.queueMoved()),
      'chat.requeued': (e) => this.backInQueue(e.data.chatId),
      'chat.closed': async () => {
        this.queueMoved();
        await this.requestAssignment('closed');
      },
      // Routing changes no position (urgency does, and recomputing it announces them).
      'chat.queued': () => this.dashboardChanged(),
      'distress.raised': () => this.queueMoved(),
    },
  };

  /** Members' and staff's messages: routing and urgency while the chat waits, first-response stamps. */
  readonly activity: Reaction = { name: 'desk.activity', afterStored: (m) => this.onMessage(m.chatId, m.senderRole, m.text) };

  /** Starts the desk's jobs and (cron role) timers. */
  start(): void {
    const { bus } = this.deps;
    bus.work('chat.assign', async () => {
      await this.assignment.assignBacklog();
    });
    bus.work('chat.inactivity', async () => {
      await this.closeInactive();
    });
    if (this.opts.runTimers) {
      const every = (name: string, ms: number, fn: () => Promise<unknown>) => {
        if (this.deps.cron) return this.deps.cron.every(name, ms, fn);
        const t = setInterval(() => void fn().catch((err) => this.deps.log.warn({ err }, 'desk timer failed')), ms);
        t.unref?.();
        this.timers.push(t);
      };
      every('desk.presence', 5_000, () => this.sweepPresence());
      every('desk.assign', 60_000, () => this.requestAssignment('shift tick'));
      every('desk.inactivity', 60_000, () => this.deps.bus.enqueue('chat.inactivity', {}));
      every('desk.dashboard', 10_000, () => this.publishDashboard());
    }
    // Every node refreshes the presence of its own connections.
    const beat = setInterval(() => void this.presence.heartbeat().catch(() => {}), Math.min(15_000, Math.max(1000, this.opts.offlineGraceMs / 3)));
    beat.unref?.();
    this.timers.push(beat);
  }

  /** Stops timers. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.dashboardTimer) clearTimeout(this.dashboardTimer);
  }

  /** Queues an assignment pass (runs on a worker). */
  async requestAssignment(reason: string): Promise<void> {
    await this.deps.bus.enqueue('chat.assign', { reason }).catch((err) => this.deps.log.warn({ err }, 'could not queue assignment'));
  }

  /** Presence sweep: offline after the grace period, then re-queue what they held. */
  async sweepPresence(): Promise<void> {
    const { requeue } = await this.presence.sweep();
    await this.schedule.syncAllCurrentStatus(this.deps.clock.now());
    for (const userId of requeue) await this.requeueChatsOf(userId);
  }

  /** Sends every open chat of an agent who dropped back to the queue, with a note. */
  async requeueChatsOf(userId: string): Promise<number> {
    const open = await this.deps.db.selectFrom('chats').select('id').where('customer_service_id', '=', userId).where('status', '=', 'open').execute();
    for (const c of open) {
      await this.deps.chats.requeueAsSystem(c.id, LINES.agentOffline()).catch((err) => this.deps.log.warn({ err, chatId: c.id }, 're-queue failed'));
    }
    return open.length;
  }

  /** Closes chats with no message for the configured time, with a system message. */
  async closeInactive(): Promise<number> {
    const cut = new Date(this.deps.clock.now().getTime() - this.opts.inactivityMs);
    const stale = await this.deps.db.selectFrom('chats').select('id').where('status', '=', 'open').where('updated_at', '<', cut).limit(500).execute();
    for (const c of stale) await this.deps.chats.closeAsSystem(c.id, LINES.inactive(), 'inactive');
    return stale.length;
  }

  /** Sentiment seam: the analysis worker reports a message's score; low moods raise urgency. */
  async recordSentiment(chatId: string, score: number): Promise<void> {
    await this.moods.add({ chatId, score });
  }

  /**
   * Writes the moods of a batch in one statement. Only a new low changes a chat, so most write
   * nothing. Urgency orders the queue alone, so it is recomputed (once per chat) while the chat
   * waits, and again when it is re-queued.
   */
  private async recordLows(moods: Array<{ chatId: string; score: number }>): Promise<void[]> {
    const lowest = new Map<string, number>();
    for (const { chatId, score } of moods) lowest.set(chatId, Math.min(score, lowest.get(chatId) ?? Infinity));
    // The chats are locked in id order, as the group commit locks them: in any other order a
    // mood write and a group commit could each hold a chat the other waits for, a deadlock that
    // PostgreSQL breaks only after a second, with the members' messages in it waiting.
    const lowered = await sql<{ id: string; status: string }>`
      WITH v AS (SELECT * FROM unnest(${arrayLiteral([...lowest.keys()])}::uuid[], ${arrayLiteral([...lowest.values()])}::real[]) AS v(id, low)),
      locked AS (
        SELECT c.id FROM chats c JOIN v ON v.id = c.id
        WHERE c.min_sentiment IS NULL OR c.min_sentiment > v.low
        ORDER BY c.id FOR UPDATE OF c
      )
      UPDATE chats AS c SET min_sentiment = v.low
      FROM v, locked
      WHERE c.id = v.id AND c.id = locked.id AND (c.min_sentiment IS NULL OR c.min_sentiment > v.low)
      RETURNING c.id, c.status`.execute(this.deps.db);
    for (const chat of lowered.rows) if (chat.status === 'pending') await this.recomputeUrgency(chat.id);
    return moods.map(() => undefined);
  }

  /** Marks a chat as in distress (the top of the queue); the change is published like any other. */
  async markDistress(chatId: string, messageId: string | null = null): Promise<boolean> {
    const { first, events } = await this.deps.chats.transitions.raiseDistress(chatId, messageId);
    await this.deps.chats.publish(chatId, events);
    return first;
  }

  /** Recomputes the stored urgency of a chat from its inputs. */
  async recomputeUrgency(chatId: string, extraText = ''): Promise<void> {
    const row = await this.deps.db
      .selectFrom('chats as c')
      .innerJoin('users as m', 'm.id', 'c.member_id')
      .select(['c.topic', 'c.min_sentiment', 'c.distress', 'c.status', 'm.tier'])
      .select((eb) => eb.exists(eb.selectFrom('member_certifications as mc').select('mc.id').whereRef('mc.member_id', '=', 'c.member_id').where('mc.status', '=', 'approved')).as('certified'))
      .where('c.id', '=', chatId)
      .executeTakeFirst();
    if (!row) return;
    const texts = await this.deps.db
      .selectFrom('messages')
      .select('content')
      .where('chat_id', '=', chatId)
      .where('sender_role', '=', 'member')
      .orderBy('seq', 'desc')
      .limit(20)
      .execute();
    const words = [...new Set(urgencyWordsIn([row.topic ?? '', extraText, ...texts.map((t) => t.content)].join('\n')))];
    const base = baseUrgency({ tier: row.tier, certified: Boolean(row.certified), minSentiment: row.min_sentiment, words, distress: row.distress });
    await this.deps.chats.transitions.setUrgency(chatId, base);
    if (row.status === 'pending') await this.deps.chats.announceQueuePositions();
  }

  /** Publishes the dashboard snapshot to supervisors and admins now. */
  async publishDashboard(): Promise<void> {
    const snapshot = await this.stats.snapshot();
    this.deps.hub.signal({ userIds: [], roles: ['supervisor', 'admin'] }, { type: 'desk', snapshot });
  }

  /** Routes a new chat to its queue, marks it when nobody who serves it is on duty, and offers it. */
  private async routeNewChat(chatId: string, topic: string | null): Promise<void> {
    try {
      const queues = await this.deps.db.selectFrom('desk_queues').select(['id', 'keywords', 'position', 'serving_role']).execute();
      const queue = routeToQueue(queues, topic ?? '');
      await this.recomputeUrgency(chatId);
      const servingRole = queues.find((q) => q.id === queue)?.serving_role ?? 'agent';
      // Nobody on duty: the chat frame says so (offDuty), and the member's messages wait in the
      // queue for the first person on shift, whom the assignment pass gives them to.
      // While masters are on duty a masters' chat falls back to agents, so agents count too.
      const fallback = servingRole === 'master' && (await this.deps.duty?.mode(this.deps.clock.now()))?.active;
      const offDuty = !(await this.anyoneOnDuty(servingRole)) && !(fallback && (await this.anyoneOnDuty('agent')));
      await this.deps.chats.publish(chatId, await this.deps.chats.transitions.route(chatId, queue, offDuty));
    } catch (err) {
      if (!this.stopped) this.deps.log.error({ err }, 'routing failed');
    }
    await this.requestAssignment('created');
  }

  /** A chat is back in the queue: moods and words recorded while it was open count again. */
  private async backInQueue(chatId: string): Promise<void> {
    this.queueMoved();
    await this.recomputeUrgency(chatId).catch((err) => this.stopped || this.deps.log.error({ err }, 'urgency recompute failed'));
    await this.requestAssignment('requeued');
  }

  /** The queue changed: waiting members hear their new place; the dashboard follows. */
  private queueMoved(): void {
    void this.deps.chats.announceQueuePositions().catch(() => {});
    this.dashboardChanged();
  }

  private async onMessage(chatId: string, senderRole: string, text: string): Promise<void> {
    if (senderRole === 'member') {
      // Routing and urgency matter only while the chat waits; the cached facts (kept current by
      // the bus) spare the database a read for every message of a chat already being served.
      const facts = await this.deps.chats.factsOf(chatId);
      if (facts && facts.status !== 'pending') return;
      const chat = await this.deps.db.selectFrom('chats').select(['status', 'queue']).where('id', '=', chatId).executeTakeFirst();
      if (chat?.status !== 'pending') return;
      // The first words often say more than the topic: re-route a general chat once.
      if (chat.queue === 'general') {
        const queues = await this.deps.db.selectFrom('desk_queues').select(['id', 'keywords', 'position']).execute();
        const queue = routeToQueue(queues, text);
        if (queue !== 'general') await this.deps.chats.publish(chatId, await this.deps.chats.transitions.route(chatId, queue));
      }
      if (urgencyWordsIn(text).length) await this.recomputeUrgency(chatId, text);
    } else if (senderRole === 'agent' || senderRole === 'master') {
      // Today's first-response figures on the dashboard change with the first answer only.
      if (await this.deps.chats.transitions.stampFirstResponse(chatId)) this.dashboardChanged();
    }
  }

  private async anyoneOnDuty(role: string): Promise<boolean> {
    const now = this.deps.clock.now();
    const r = await this.deps.db
      .selectFrom('users as u')
      .select('u.id')
      .where('u.role', '=', role)
      .where('u.presence', '=', 'online')
      .where(onDutySql(now, this.opts.timezone))
      .limit(1)
      .executeTakeFirst();
    return Boolean(r);
  }

  private onPresence(change: PresenceChange): void {
    this.deps.chats.waits.invalidate();
    this.deps.hub.signal(
      { userIds: [change.userId], roles: ['supervisor', 'admin'] },
      { type: 'presence', userId: change.userId, name: change.name, role: change.role, status: change.status },
    );
    if (change.status === 'online') void this.requestAssignment('presence');
    this.dashboardChanged();
  }

  /** Debounced dashboard push after a change (at most one per second). */
  private dashboardChanged(): void {
    if (this.dashboardTimer) return;
    this.dashboardTimer = setTimeout(() => {
      this.dashboardTimer = null;
      void this.publishDashboard().catch(() => {});
    }, 1000);
    this.dashboardTimer.unref?.();
  }
}
