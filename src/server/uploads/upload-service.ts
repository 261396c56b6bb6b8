/**
 * Uploads: reserve (within the cap on unsent uploads) → receive → sniff → (images) clean and
 * thumbnail → store under a generated name → record (the reservation becomes a stored upload).
 * Downloads: the owner, or whoever may see the chat the attachment was sent in, or the reviewers
 * of the certification application it is a photo of.
 * An attachment is bound to a chat by the commit that stores the message sending it
 * (chat/message-store.ts, chat/batch-statement.ts).
 */
import { UUID_PATTERN } from '../core/ids';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { AttachmentDto } from '../../shared/protocol';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import { canSee } from '../chat/access';
import type { ChatService } from '../chat/chat-service';
import { presentAttachment } from '../chat/presenters';
import { processImage, THUMBNAIL_MIME, UnreadableImage } from './images';
import { sanitizeName } from './names';
import { sniff } from './sniff';
import { BrokenUpload, TooLarge, type UploadStorage } from './storage';

/** What the download route needs to serve one file. */
export interface StoredFile {
  path: string;
  mime: string;
  name: string;
  size: number;
  /** Images are shown in the page; everything else is a download. */
  inline: boolean;
}

/** The first key of the per-user advisory lock that orders upload reservations ('upld'). */
const UPLOAD_LOCK_CLASS = 0x75706c64;


export interface UploadPolicy {
  maxBytes: number;
  /** An upload never sent in a message is deleted after this long. */
  unsentTtlMs: number;
  /** Unsent uploads one user may hold; a client looping on upload cannot fill the disk. */
  maxUnsentPerUser: number;
}

/** One day to send what was uploaded; a hundred files waiting is more than any chat needs. */
export const DEFAULT_UNSENT = { unsentTtlMs: 24 * 3600_000, maxUnsentPerUser: 100 };

export class UploadService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatService,
    private readonly storage: UploadStorage,
    readonly policy: UploadPolicy,
    /** Other grounds to read a chat's files (earlier chats of a member one is serving). */
    private readonly alsoReadable: (user: User, chatId: string) => Promise<boolean> = async () => false,
    /** Who may read the photos bound to a 三寶 certification application (members/certifications.ts). */
    private readonly certificationReadable: (user: User, certificationId: string) => Promise<boolean> = async () => false,
  ) {}

  /**
   * Stores one uploaded file for `user`. Throws AppError rate_limited (too many unsent uploads;
   * nothing is read), too_large (over the limit; nothing is kept) or invalid with `details.reason`
   * (type not allowed, not text, unreadable image).
   */
  async accept(user: User, source: Readable, clientName: string | undefined): Promise<AttachmentDto> {
    const id = crypto.randomUUID();
    const key = this.storage.keyFor(id);
    await this.reserve(user, id, key, source);
    let tempPath: string | null = null;
    const written: string[] = [];
    let recorded = false;
    try {
      let temp: { path: string; size: number };
      try {
        temp = await this.storage.receive(source, this.policy.maxBytes);
      } catch (err) {
        if (err instanceof TooLarge) throw new AppError('too_large', { field: 'file', reason: 'too_large', max: err.maxBytes });
        if (err instanceof BrokenUpload) throw new AppError('invalid', { field: 'file', reason: 'malformed_multipart', detail: err.message });
        throw err;
      }
      tempPath = temp.path;
      const sniffed = await sniff(temp.path, temp.size, clientName);
      if (!sniffed.ok) {
        throw new AppError('invalid', { field: 'file', reason: sniffed.reason, ...(sniffed.detected ? { detected: sniffed.detected } : {}) });
      }
      const { type } = sniffed;
      let thumbnailKey: string | null = null;
      let size = temp.size;
      if (type.imageFormat) {
        thumbnailKey = this.storage.keyFor(id, '.thumb');
        const dest = await this.storage.prepare(key);
        const thumbDest = this.storage.pathOf(thumbnailKey);
        written.push(dest, thumbDest);
        try {
          await processImage(temp.path, type.imageFormat, dest, thumbDest);
        } catch (err) {
          if (err instanceof UnreadableImage) throw new AppError('invalid', { field: 'file', reason: err.reason });
          throw err;
        }
        size = (await stat(dest)).size;
      } else {
        written.push(await this.storage.place(temp.path, key));
      }
      const row = await this.db
        .updateTable('attachments')
        .set({ name: sanitizeName(clientName, type.exts), mime: type.mime, size, thumbnail_key: thumbnailKey, stored: true })
        .where('id', '=', id)
        .where('stored', '=', false)
        .returning(['id', 'name', 'mime', 'size', 'thumbnail_key'])
        .executeTakeFirstOrThrow();
      recorded = true;
      written.length = 0; // recorded: the files are now owned by the row
      return presentAttachment(row);
    } finally {
      await this.storage.remove(tempPath, ...written);
      if (!recorded) await this.release(id);
    }
  }

  /** Deletes uploads never sent within the policy's time, rows and files; returns how many. */
  async sweepUnsent(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.policy.unsentTtlMs);
    // A send racing this delete either claims the row first (then chat_id is set and the row is
    // skipped) or finds it gone and is refused with invalid: never a message pointing at no file.
    const rows = await this.db
      .deleteFrom('attachments')
      .where('chat_id', 'is', null)
      .where('certification_id', 'is', null)
      .where('created_at', '<', cutoff)
      .returning(['storage_key', 'thumbnail_key'])
      .execute();
    for (const r of rows) await this.storage.remove(this.storage.pathOf(r.storage_key), r.thumbnail_key ? this.storage.pathOf(r.thumbnail_key) : null);
    return rows.length;
  }

  /**
   * Records the upload `id` as reserved (`stored` false) if `user` holds fewer unsent uploads than
   * the cap, counting reservations; else drains `source` and throws rate_limited. The count and the
   * insert run under a per-user transaction lock, so concurrent uploads of one user are counted one
   * after the other (a count apart from the insert would let them all see room).
   */
  private async reserve(user: User, id: string, key: string, source: Readable): Promise<void> {
    const cutoff = new Date(Date.now() - this.policy.unsentTtlMs);
    const reserved = await this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${UPLOAD_LOCK_CLASS}::int, hashtext(${user.id}::text))`.execute(trx);
      const inserted = await sql<{ id: string }>`
        INSERT INTO attachments (id, owner_id, name, mime, size, storage_key, stored)
        SELECT ${id}::uuid, ${user.id}::uuid, '', '', 0, ${key}, false
        WHERE (SELECT count(*) FROM attachments
               WHERE owner_id = ${user.id}::uuid AND chat_id IS NULL AND certification_id IS NULL AND created_at >= ${cutoff}::timestamptz) < ${this.policy.maxUnsentPerUser}
        RETURNING id`.execute(trx);
      return inserted.rows.length === 1;
    });
    if (reserved) return;
    source.resume(); // let the request body drain so the refusal reaches the client
    const unsent = await this.db
      .selectFrom('attachments')
      .select((eb) => eb.fn.min('created_at').as('oldest'))
      .where('owner_id', '=', user.id)
      .where('chat_id', 'is', null)
      .where('certification_id', 'is', null)
      .where('created_at', '>=', cutoff)
      .executeTakeFirst();
    const oldest = unsent?.oldest ? new Date(unsent.oldest as Date).getTime() : Date.now();
    throw new AppError('rate_limited', { field: 'file', reason: 'too_many_unsent', max: this.policy.maxUnsentPerUser, retryAfterMs: Math.max(0, oldest + this.policy.unsentTtlMs - Date.now()) });
  }

  /**
   * Drops the reservation of an upload that failed. If the database cannot be reached now, the
   * row stays until the unsent sweep: it only counts against its owner's cap meanwhile, and the
   * upload's own error is the one worth reporting.
   */
  private async release(id: string): Promise<void> {
    await this.db.deleteFrom('attachments').where('id', '=', id).where('stored', '=', false).execute().catch(() => undefined);
  }

  /** The file (or thumbnail) of an attachment, if `user` may read it; else not_found. */
  async open(user: User, id: string, variant: 'file' | 'thumbnail'): Promise<StoredFile> {
    if (!UUID_PATTERN.test(id)) throw new AppError('not_found');
    const row = await this.db
      .selectFrom('attachments')
      .select(['id', 'owner_id', 'chat_id', 'certification_id', 'name', 'mime', 'size', 'storage_key', 'thumbnail_key'])
      .where('id', '=', id)
      .where('stored', '=', true)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found');
    if (row.owner_id !== user.id && row.certification_id) {
      if (!(await this.certificationReadable(user, row.certification_id))) throw new AppError('not_found');
    } else if (row.owner_id !== user.id) {
      // Not yet sent: only its owner knows it exists.
      if (!row.chat_id) throw new AppError('not_found');
      const facts = await this.chats.factsOf(row.chat_id);
      if (!(facts && canSee(user, facts)) && !(await this.alsoReadable(user, row.chat_id))) throw new AppError('not_found');
    }
    const key = variant === 'thumbnail' ? row.thumbnail_key : row.storage_key;
    if (!key) throw new AppError('not_found');
    const path = this.storage.pathOf(key);
    const info = await stat(path).catch(() => null);
    if (!info) throw new AppError('not_found', { reason: 'file_missing' });
    if (variant === 'thumbnail') return { path, mime: THUMBNAIL_MIME, name: `${row.name.replace(/\.[^.]*$/, '')}.webp`, size: info.size, inline: true };
    return { path, mime: row.mime, name: row.name, size: info.size, inline: row.mime.startsWith('image/') };
  }
}
