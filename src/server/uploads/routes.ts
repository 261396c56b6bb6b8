/**
 * HTTP routes of uploads: thin — schema, caller, service, presenter.
 * `POST /api/uploads` (multipart, field `file`), `GET /api/uploads/:id`, `GET /api/uploads/:id/thumbnail`.
 */
import { createReadStream } from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config';
import type { ChatService } from '../chat/chat-service';
import type { Db } from '../db/database';
import { callerOf } from '../http/auth';
import { AppError } from '../core/errors';
import { bearer, errorBody } from '../http/schemas';
import { pickLocale } from '../i18n/errors';
import type { TokenService } from '../identity/tokens';
import type { User, UserDirectory } from '../identity/users';
import { uploadMessage } from './messages';
import { contentDisposition } from './names';
import { ALLOWED_MIME_TYPES } from './sniff';
import { UploadStorage } from './storage';
import { DEFAULT_UNSENT, UploadService, type StoredFile } from './upload-service';

export interface UploadRouteDeps {
  uploads: Config['uploads'];
  db: Db;
  chats: ChatService;
  tokens: TokenService;
  users: UserDirectory;
  /** Extra read access to a chat's files (the member-history rule); none when absent. */
  alsoReadable?: (user: User, chatId: string) => Promise<boolean>;
  /** Who may read a certification application's photos. */
  certificationReadable?: (user: User, certificationId: string) => Promise<boolean>;
  /** The app's bearer-header authentication (http/auth.ts makeAuthenticate). */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

const attachmentObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    mime: { type: 'string' },
    size: { type: 'integer' },
    url: { type: 'string' },
    thumbnailUrl: { type: ['string', 'null'] },
  },
} as const;
const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const downloadQuery = {
  type: 'object',
  properties: {
    token: { type: 'string', description: 'The bearer token, for `<img src>` and links that cannot send an Authorization header' },
    download: { type: 'string', enum: ['1', 'true'], description: 'Serve an image as a download instead of inline' },
  },
} as const;
const binary = {
  description: 'The file, with Content-Disposition and X-Content-Type-Options: nosniff',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
} as const;
const errors = { 400: errorBody, 401: errorBody, 404: errorBody };

/** Registers the upload and download routes (multipart parsing is scoped to them). */
export async function uploadRoutes(app: FastifyInstance, deps: UploadRouteDeps): Promise<void> {
  const storage = new UploadStorage(deps.uploads.dir);
  await storage.init();
  const service = new UploadService(deps.db, deps.chats, storage, { maxBytes: deps.uploads.maxBytes, ...DEFAULT_UNSENT }, deps.alsoReadable, deps.certificationReadable);
  // Every web node sweeps; the DELETE … RETURNING hands each row to exactly one of them.
  const sweep = () => void service.sweepUnsent().catch((err) => app.log.warn({ err }, 'sweeping unsent uploads failed'));
  const sweeper = setInterval(sweep, 3600_000);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));
  // busboy may deliver one byte over the limit: that byte is how the store tells "too large" from "exactly the limit".
  await app.register(multipart, { limits: { fileSize: deps.uploads.maxBytes + 1, files: 1, fields: 10, parts: 11, fieldSize: 1024 } });

  /** Bearer header, or `?token=` for the browser's `<img>` and download links. */
  const authenticateDownload = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = (request.query as { token?: string }).token;
    if (request.headers.authorization || !token) return deps.authenticate(request, reply);
    request.user = await deps.users.fromClaims(await deps.tokens.verify(token));
  };

  app.post('/api/uploads', {
    preHandler: deps.authenticate,
    schema: {
      tags: ['uploads'], security: bearer,
      summary: 'Upload one file (multipart/form-data, field `file`)',
      description: `Up to ${deps.uploads.maxBytes} bytes. The type is decided from the bytes: ${ALLOWED_MIME_TYPES.join(', ')} (text only as UTF-8 named .txt, .csv or .md). Images are re-encoded without metadata and get a thumbnail.`,
      consumes: ['multipart/form-data'],
      body: { type: ['object', 'null'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'the file' } } },
      response: { 201: { type: 'object', properties: { attachment: attachmentObject } }, 413: errorBody, 429: errorBody, ...errors },
    },
  }, async (request, reply) => {
    const user = callerOf(request);
    try {
      if (!request.isMultipart()) throw new AppError('invalid', { field: 'file', reason: 'no_file' });
      const part = await request.file().catch((err: Error) => {
        // busboy's parse errors ("Boundary not found", "Unexpected end of form") are the client's, not ours.
        throw new AppError('invalid', { field: 'file', reason: 'malformed_multipart', detail: err.message });
      });
      if (!part || part.fieldname !== 'file') {
        part?.file.resume();
        throw new AppError('invalid', { field: 'file', reason: 'no_file' });
      }
      const attachment = await service.accept(user, part.file, part.filename);
      return reply.status(201).send({ attachment });
    } catch (err) {
      throw localized(err, request);
    } finally {
      drainRest(request, Math.max(64 * 1024 * 1024, 4 * deps.uploads.maxBytes));
    }
  });

  app.get<{ Params: { id: string }; Querystring: { token?: string; download?: string } }>('/api/uploads/:id', {
    preHandler: authenticateDownload,
    schema: {
      tags: ['uploads'], security: bearer, summary: 'Download an attachment (owner, or anyone who may see its chat)',
      params: idParam, querystring: downloadQuery, response: { 200: binary, ...errors },
    },
  }, async (request, reply) => {
    const file = await service.open(callerOf(request), request.params.id, 'file');
    return sendFile(reply, file, request.query.download === undefined);
  });

  app.get<{ Params: { id: string }; Querystring: { token?: string } }>('/api/uploads/:id/thumbnail', {
    preHandler: authenticateDownload,
    schema: {
      tags: ['uploads'], security: bearer, summary: 'An image attachment\'s thumbnail (WebP)',
      params: idParam, querystring: downloadQuery, response: { 200: binary, ...errors },
    },
  }, async (request, reply) => sendFile(reply, await service.open(callerOf(request), request.params.id, 'thumbnail'), true));
}

/** Streams a stored file with headers that keep the browser from reinterpreting it. */
function sendFile(reply: FastifyReply, file: StoredFile, allowInline: boolean) {
  const mime = file.mime === 'text/plain' ? 'text/plain; charset=utf-8' : file.mime;
  return reply
    .header('content-type', mime)
    .header('content-length', file.size)
    .header('content-disposition', contentDisposition(file.inline && allowInline ? 'inline' : 'attachment', file.name))
    .header('x-content-type-options', 'nosniff')
    // Even if a browser were tricked into rendering a file as a page, it gets no script and no origin.
    .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
    // Private: per-user access; the id never changes content, so an hour of browser caching is safe.
    .header('cache-control', 'private, max-age=3600')
    .send(createReadStream(file.path));
}

/**
 * Reads and discards what is left of a refused request body. Left unread, it would sit in front
 * of the next request on a keep-alive connection (which then hangs), and closing instead makes
 * the kernel answer the still-sending client with a reset that can swallow our 413. A client that
 * keeps sending far past the limit is cut off.
 */
function drainRest(request: FastifyRequest, capBytes: number): void {
  const raw = request.raw;
  if (raw.readableEnded || raw.destroyed) return;
  let discarded = 0;
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > capBytes) raw.socket?.destroy();
  });
  raw.resume();
}

/** Puts the specific, localized reason on upload refusals. */
function localized(err: unknown, request: FastifyRequest): unknown {
  if (!(err instanceof AppError) || err.customMessage) return err;
  const details = err.details as { reason?: unknown; max?: number } | undefined;
  const message = uploadMessage(details?.reason, pickLocale(request.headers['accept-language']), { max: details?.max });
  return message ? new AppError(err.code, err.details, message) : err;
}
