/**
 * What the transparency log attests (docs/PROTOCOL.md part 2, "Transparency log"):
 *
 * - a chat: canonical JSON `{"chatId","messages":[{"seq","senderId","createdAt","textSha256",
 *   "attachments":[hex SHA-256 of each file's bytes]}]}` over every stored message, in seq order;
 * - the audit log's head: `{"kind":"audit.head","seq","hash"}`.
 *
 * `matches` recomputes a chat's leaf from the rows and files as stored now and compares it with
 * the latest attested leaf byte for byte: any edit of a text, a time, a sender, an attachment's
 * bytes, or a message added or removed makes it false.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Db } from '../db/database';
import type { UploadStorage } from '../uploads/storage';
import type { AuditLog } from './audit-log';
import { canonicalJson, sha256Hex } from './canonical';
import type { AppendedLeaf, SignedHead, TransparencyLog } from './tlog';

/** Leaf kinds (the `kind` column; a leaf's JSON says what it is by its own fields). */
export const LEAF_CHAT = 'chat';
export const LEAF_AUDIT_HEAD = 'audit.head';
/** The subject under which audit heads are attested. */
export const AUDIT_SUBJECT = 'audit';

/** Stands in for the hash of an attachment whose file is gone (so `matches` turns false). */
const MISSING_FILE = 'missing';

/** One attested chat entry as the contract lists it (plus when it was attested). */
export interface ChatAttestationEntry extends AppendedLeaf {
  attestedAt: string;
}

/** The self-contained proof of one chat leaf, checked offline by `npm run verify -- FILE`. */
export interface AttestationBundle {
  format: 'lotusdesk-attestation-bundle/v1';
  chatId: string;
  /** The leaf's bytes, base64. */
  leaf: string;
  index: number;
  leafHash: string;
  treeSize: number;
  auditPath: string[];
  head: SignedHead;
}

export class Attestations {
  constructor(
    private readonly db: Db,
    private readonly log: TransparencyLog,
    private readonly audit: AuditLog,
    private readonly storage: UploadStorage,
  ) {}

  /** The canonical leaf of a chat as it is stored now. */
  async chatLeaf(chatId: string): Promise<string> {
    const rows = await this.db
      .selectFrom('messages')
      .select(['seq', 'sender_id', 'created_at', 'content', 'attachments'])
      .where('chat_id', '=', chatId)
      .orderBy('seq')
      .execute();
    const ids = rows.flatMap((r) => attachmentIds(r.attachments));
    const files = ids.length ? await this.fileHashes(ids) : new Map<string, string>();
    const messages = rows.map((r) => ({
      seq: r.seq,
      senderId: r.sender_id,
      createdAt: new Date(r.created_at).toISOString(),
      textSha256: sha256Hex(r.content),
      attachments: attachmentIds(r.attachments).map((id) => files.get(id) ?? MISSING_FILE),
    }));
    return canonicalJson({ chatId, messages });
  }

  /**
   * Appends the chat's current leaf and signs a head covering it. `unlessUnchanged`: when the
   * latest leaf of the chat is already this one, returns it instead (an at-least-once listener
   * running twice attests once).
   */
  async attestChat(chatId: string, opts: { unlessUnchanged?: boolean } = {}): Promise<AppendedLeaf> {
    const leaf = await this.chatLeaf(chatId);
    if (opts.unlessUnchanged) {
      const last = await this.log.lastOfKind(LEAF_CHAT, chatId);
      if (last?.leaf === leaf) return { index: last.index, leafHash: last.leafHash, treeSize: last.index + 1 };
    }
    const [entry] = await this.log.append([{ kind: LEAF_CHAT, subject: chatId, leaf }]);
    await this.log.signHead();
    return entry;
  }

  /** Attests the audit head unless the last attested audit head is the same; signs a head. */
  async attestAuditHead(): Promise<AppendedLeaf | null> {
    const head = await this.audit.head();
    const leaf = canonicalJson({ kind: LEAF_AUDIT_HEAD, seq: head.seq, hash: head.hash });
    const last = await this.log.lastOfKind(LEAF_AUDIT_HEAD, AUDIT_SUBJECT);
    if (last?.leaf === leaf) return null;
    const [entry] = await this.log.append([{ kind: LEAF_AUDIT_HEAD, subject: AUDIT_SUBJECT, leaf }]);
    return entry;
  }

  /** The chat's attestations and whether the chat as stored now still hashes to the latest leaf. */
  async status(chatId: string): Promise<{ entries: ChatAttestationEntry[]; matches: boolean }> {
    const leaves = await this.log.leavesOf(chatId, LEAF_CHAT);
    const entries = leaves.map((l) => ({ index: l.index, leafHash: l.leafHash, treeSize: l.index + 1, attestedAt: l.createdAt }));
    if (leaves.length === 0) return { entries, matches: false };
    return { entries, matches: (await this.chatLeaf(chatId)) === leaves[leaves.length - 1].leaf };
  }

  /** The bundle of the chat's latest leaf, with a signed head covering it (signed now if none does). Null before any attestation. */
  async bundle(chatId: string): Promise<AttestationBundle | null> {
    const leaves = await this.log.leavesOf(chatId, LEAF_CHAT);
    const leaf = leaves[leaves.length - 1];
    if (!leaf) return null;
    const head = (await this.log.headCovering(leaf.index + 1)) ?? (await this.log.signHead()).head;
    const proof = await this.log.inclusion(leaf.index, head.treeSize);
    return {
      format: 'lotusdesk-attestation-bundle/v1',
      chatId,
      leaf: Buffer.from(leaf.leaf, 'utf8').toString('base64'),
      index: leaf.index,
      leafHash: proof.leafHash,
      treeSize: head.treeSize,
      auditPath: proof.auditPath,
      head,
    };
  }

  private async fileHashes(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('attachments').select(['id', 'storage_key']).where('id', 'in', ids).where('stored', '=', true).execute();
    const out = new Map<string, string>();
    for (const r of rows) {
      const hash = await hashFile(this.storage.pathOf(r.storage_key)).catch(() => null);
      if (hash) out.set(r.id, hash);
    }
    return out;
  }
}

function attachmentIds(value: unknown): string[] {
  const list = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(list) ? list.map((a) => (a as { id?: unknown }).id).filter((id): id is string => typeof id === 'string') : [];
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
