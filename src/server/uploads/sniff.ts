/**
 * Decides what an uploaded file is from its bytes alone. The client's file name and declared
 * Content-Type are ignored for the decision (an executable named `.png` is an executable), except
 * for plain text: text has no signature, so it is accepted only when the bytes are valid UTF-8
 * without NULs AND the name says it is text.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import { detectLegacyOffice } from './cfb';

export type UploadKind = 'image' | 'document' | 'text';

export interface UploadType {
  kind: UploadKind;
  /** The MIME type the file is stored and served as. */
  mime: string;
  /** Extensions a display name may carry for this type; the first is added when missing. */
  exts: readonly string[];
  /** sharp's name of the format, for images. */
  imageFormat?: 'jpeg' | 'png' | 'gif' | 'webp';
}

/** Why a file was refused; goes to the client as `details.reason`. */
export type RefusalReason = 'empty' | 'type_not_allowed' | 'unknown_type' | 'not_utf8_text';

export type SniffResult = { ok: true; type: UploadType } | { ok: false; reason: RefusalReason; detected?: string };

const OOXML = 'application/vnd.openxmlformats-officedocument';

/** The allow-list, keyed by file-type's extension. */
const ALLOWED: Record<string, UploadType> = {
  jpg: { kind: 'image', mime: 'image/jpeg', exts: ['jpg', 'jpeg'], imageFormat: 'jpeg' },
  png: { kind: 'image', mime: 'image/png', exts: ['png'], imageFormat: 'png' },
  gif: { kind: 'image', mime: 'image/gif', exts: ['gif'], imageFormat: 'gif' },
  webp: { kind: 'image', mime: 'image/webp', exts: ['webp'], imageFormat: 'webp' },
  pdf: { kind: 'document', mime: 'application/pdf', exts: ['pdf'] },
  docx: { kind: 'document', mime: `${OOXML}.wordprocessingml.document`, exts: ['docx'] },
  xlsx: { kind: 'document', mime: `${OOXML}.spreadsheetml.sheet`, exts: ['xlsx'] },
  pptx: { kind: 'document', mime: `${OOXML}.presentationml.presentation`, exts: ['pptx'] },
};

const TEXT_EXTS = ['txt', 'csv', 'md'] as const;
const TEXT: UploadType = { kind: 'text', mime: 'text/plain', exts: TEXT_EXTS };

/** The MIME types the allow-list accepts (for documentation and the web app's file picker). */
export const ALLOWED_MIME_TYPES: readonly string[] = [
  ...new Set([...Object.values(ALLOWED).map((t) => t.mime), 'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint', TEXT.mime]),
];

/** Classifies the file at `path`; `name` only matters for plain text. */
export async function sniff(path: string, size: number, name: string | undefined): Promise<SniffResult> {
  if (size === 0) return { ok: false, reason: 'empty' };
  const detected = await fileTypeFromFile(path);
  if (detected) {
    const allowed = ALLOWED[detected.ext];
    if (allowed) return { ok: true, type: allowed };
    if (detected.ext === 'cfb') {
      const handle = await open(path, 'r');
      try {
        const legacy = await detectLegacyOffice(handle);
        if (legacy) return { ok: true, type: { kind: 'document', mime: legacy.mime, exts: [legacy.ext] } };
      } finally {
        await handle.close();
      }
    }
    return { ok: false, reason: 'type_not_allowed', detected: detected.mime };
  }
  const ext = (name ?? '').toLowerCase().match(/\.([a-z0-9]+)\s*$/)?.[1];
  if (!ext || !(TEXT_EXTS as readonly string[]).includes(ext)) return { ok: false, reason: 'unknown_type' };
  return (await isUtf8Text(path)) ? { ok: true, type: TEXT } : { ok: false, reason: 'not_utf8_text' };
}

/** True when the whole file decodes as UTF-8 and holds no NUL (binary files almost always do). */
export async function isUtf8Text(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path)) {
      if ((chunk as Buffer).includes(0)) return false;
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return true;
  } catch (err) {
    if (err instanceof TypeError) return false; // the decoder's "invalid data"
    throw err;
  }
}
