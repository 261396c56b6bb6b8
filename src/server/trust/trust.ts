/**
 * The trust domain (docs/PROTOCOL.md part 2, "Trust"): the audit log, the transparency log and
 * what feeds them.
 *
 * - Staff actions that are domain events (accept, transfer, a staff close, notes) are appended by
 *   a once-listener, keyed by event id, so a relayed event appends once.
 * - Staff actions that are not events are appended where they happen: reading a chat one does
 *   not hold (`readChat`, called by the chat routes), attestations and exports (the trust routes),
 *   and supervisors' and admins' other changes through the API (`onResponse`: settings).
 * - A chat that had distress raised is attested when it closes, and again when a line is stored
 *   into it after close (the merit line is a job that lands after the close), so its latest leaf
 *   is the conversation as it ended; an unchanged chat is not attested twice.
 * - The audit head is attested every hour and the cron role signs a head every minute when the
 *   tree grew (tlog.ts checks it is consistent with the last signed head first).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/database';
import type { PreparedRunner } from '../db/db-types';
import type { Listener } from '../events/hub';
import type { User } from '../identity/users';
import type { ClusterCron } from '../ops/cron';
import { UploadStorage } from '../uploads/storage';
import { Attestations } from './attestation';
import { AuditLog, chatTarget } from './audit-log';
import { loadAttestationKey, type AttestationKey } from './keys';
import { TransparencyLog } from './tlog';

export interface TrustDeps {
  db: Db;
  /** Named prepared statements (proof reads). */
  prepared?: PreparedRunner;
  dataDir: string;
  uploadsDir: string;
  /** LOTUSDESK_ATTESTATION_KEY (PEM or path), or null for the data directory's key. */
  attestationKey: string | null;
  cron: ClusterCron | null;
  log: { info(o: unknown, m?: string): void; warn(o: unknown, m?: string): void; error(o: unknown, m?: string): void };
  now?: () => Date;
}

/** A chat read is recorded once per reader, chat and hour: enough to answer "who looked", cheap to keep. */
const READ_WINDOW_MS = 3600_000;
/** Routes whose changes the audit log already records from domain events or explicitly. */
const AUDITED_ELSEWHERE = /^\/api\/(chats(\/:id\/(accept|transfer|close|notes|messages|read|attest|rating))?|uploads|presence|dev\/login)$/;

export class Trust {
  readonly audit: AuditLog;
  readonly log: TransparencyLog;
  readonly attestations: Attestations;
  readonly key: AttestationKey;
  /** The audit listener (once per event), declared in events/listeners.ts. */
  readonly listener: Listener;
  private readonly recentReads = new Set<string>();
  /** Automatic attestations of one chat run one after another on this node (no duplicate leaves). */
  private readonly attesting = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: TrustDeps) {
    const now = deps.now ?? (() => new Date());
    this.key = loadAttestationKey(deps.attestationKey, deps.dataDir);
    this.audit = new AuditLog(deps.db, now);
    this.log = new TransparencyLog(deps.db, this.key, now, deps.prepared);
    this.attestations = new Attestations(deps.db, this.log, this.audit, new UploadStorage(deps.uploadsDir));
    this.listener = this.makeListener();
  }

  /** Schedules the cron work (cron role only) and says which key signs. */
  start(): void {
    this.deps.log.info({ publicKey: this.key.publicKey, source: this.key.source }, 'attestation key loaded');
    this.deps.cron?.every('trust.audit-head', 3600_000, () => this.hourly());
    this.deps.cron?.every('trust.sign-head', 60_000, () => this.log.signHead());
  }

  /** The hourly work: attest the audit head (when it moved), then sign a head covering it. */
  async hourly(): Promise<void> {
    await this.attestations.attestAuditHead();
    await this.log.signHead();
  }

  /**
   * Records that a staff member read a chat they do not hold (supervisors and admins reading any
   * chat, an agent looking at a queued one). Once per reader, chat and hour; awaited, so a read
   * the log could not record is not served.
   */
  async readChat(user: User, chat: { id: string; assigneeId: string | null }): Promise<void> {
    if (user.role === 'member' || chat.assigneeId === user.id) return;
    const bucket = Math.floor(Date.now() / READ_WINDOW_MS);
    const key = `chat.read:${user.id}:${chat.id}:${bucket}`;
    if (this.recentReads.has(key)) return;
    await this.audit.append({ key, actorId: user.id, actorRole: user.role, action: 'chat.read', target: chatTarget(chat.id), details: {} });
    if (this.recentReads.size >= 50_000) this.recentReads.clear();
    this.recentReads.add(key);
  }

  /** Appends an explicit staff action (attest, export…). */
  record(user: User, action: string, target: string | null, details: Record<string, unknown> = {}): Promise<unknown> {
    return this.audit.append({ key: randomUUID(), actorId: user.id, actorRole: user.role, action, target, details });
  }

  /**
   * After a response: a supervisor's or admin's successful change through a route the audit log
   * does not otherwise cover (queues, shifts, holidays, Dharma terms, settings) is appended as
   * `settings.change` with the route and its parameters (never the body, which may hold secrets).
   */
  async onResponse(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const user = request.user;
    const method = request.method;
    if (!user || (user.role !== 'supervisor' && user.role !== 'admin')) return;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || reply.statusCode >= 400) return;
    const route = request.routeOptions.url;
    if (!route || AUDITED_ELSEWHERE.test(route) || route.startsWith('/api/audit') || route.startsWith('/api/attestation')) return;
    await this.record(user, 'settings.change', `route:${method} ${route}`, { params: request.params ?? {}, status: reply.statusCode }).catch((err) =>
      this.deps.log.error({ err, route }, 'audit: could not record a settings change'),
    );
  }

  /** Attests a closed chat that had distress raised, unless its latest leaf already matches. */
  private attestIfDistress(chatId: string): Promise<unknown> {
    const run = async () => {
      const row = await this.deps.db.selectFrom('chats').select(['distress', 'status']).where('id', '=', chatId).executeTakeFirst();
      if (row?.distress && row.status === 'closed') await this.attestations.attestChat(chatId, { unlessUnchanged: true });
    };
    const next = (this.attesting.get(chatId) ?? Promise.resolve()).then(run, run);
    const settled = next.catch(() => undefined).finally(() => {
      if (this.attesting.get(chatId) === settled) this.attesting.delete(chatId);
    });
    this.attesting.set(chatId, settled);
    return next;
  }

  private makeListener(): Listener {
    const db = this.deps.db;
    const roleOf = async (id: string | null) => (id ? ((await db.selectFrom('users').select('role').where('id', '=', id).executeTakeFirst())?.role ?? null) : null);
    const append = async (key: string, at: string, actorId: string | null, action: string, chatId: string, details: Record<string, unknown>) => {
      const role = await roleOf(actorId);
      // Members' own actions (closing their chat) are not staff actions.
      if (!role || role === 'member') return;
      await this.audit.append({ key, at: new Date(at), actorId, actorRole: role, action, target: chatTarget(chatId), details });
    };
    return {
      name: 'trust.audit',
      scope: 'once',
      on: {
        'chat.assigned': (e) => (e.data.mode === 'accept' ? append(e.id, e.createdAt, e.data.assigneeId, 'chat.accept', e.data.chatId, {}) : undefined),
        'chat.transferred': (e) =>
          append(e.id, e.createdAt, e.data.byUserId, 'chat.transfer', e.data.chatId, { fromAssigneeId: e.data.fromAssigneeId, toAssigneeId: e.data.toAssigneeId, noteId: e.data.noteId }),
        'note.created': (e) => append(e.id, e.createdAt, e.data.authorId, 'note.create', e.data.chatId, { noteId: e.data.noteId }),
        // A 三寶 certification decision is a staff action on the member.
        'member.certified': async (e) => {
          const role = await roleOf(e.data.decidedBy);
          if (!role || role === 'member') return;
          await this.audit.append({ key: e.id, at: new Date(e.createdAt), actorId: e.data.decidedBy, actorRole: role, action: 'member.certify', target: `member:${e.data.memberId}`, details: { certificationId: e.data.certificationId } });
        },
        'chat.closed': async (e) => {
          if (e.data.reason === 'user') await append(e.id, e.createdAt, e.data.byUserId, 'chat.close', e.data.chatId, {});
          await this.attestIfDistress(e.data.chatId);
        },
      },
      onMessage: (message, chat) => (chat.status === 'closed' ? this.attestIfDistress(message.chatId) : undefined),
    };
  }
}
