/**
 * Parsing client frames by hand: this runs for every frame, so it is a few type checks rather than
 * a schema library; each failure names the field for the `invalid` error.
 */
import type { ClientFrame } from '../../shared/protocol';
import { LOCALES } from '../../shared/protocol';

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; id?: string; reason: string; field?: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string';

/** A refusal naming the field (a module function: a closure per frame costs a name under tsx). */
function invalid(id: string | undefined, field: string, reason: string): ParseResult {
  return { ok: false, id, field, reason };
}

/** Parses one text frame into a typed client frame or a reason it is invalid. */
export function parseClientFrame(raw: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isObj(data)) return { ok: false, reason: 'a frame is a JSON object' };
  const id = str(data.id) ? data.id : undefined;
  switch (data.type) {
    case 'hello': {
      if (!str(data.token)) return invalid(id, 'token', 'must be a string');
      if (data.locale !== undefined && !(LOCALES as readonly unknown[]).includes(data.locale)) return invalid(id, 'locale', `one of ${LOCALES.join(', ')}`);
      if (data.resume !== undefined) {
        if (!isObj(data.resume)) return invalid(id, 'resume', 'must be an object of chatId → seq');
        for (const v of Object.values(data.resume)) if (!Number.isInteger(v) || (v as number) < 0) return invalid(id, 'resume', 'seq values must be integers ≥ 0');
      }
      return { ok: true, frame: data as unknown as ClientFrame };
    }
    case 'send': {
      if (!str(data.id) || data.id.length < 1 || data.id.length > 64) return invalid(id, 'id', 'a string of 1-64 characters');
      if (!str(data.chatId)) return invalid(id, 'chatId', 'must be a string');
      if (!str(data.text)) return invalid(id, 'text', 'must be a string');
      if (data.attachments !== undefined && (!Array.isArray(data.attachments) || !data.attachments.every(str))) return invalid(id, 'attachments', 'must be an array of ids');
      return { ok: true, frame: data as unknown as ClientFrame };
    }
    case 'read':
      if (!str(data.chatId)) return invalid(id, 'chatId', 'must be a string');
      if (!Number.isInteger(data.seq) || (data.seq as number) < 0) return invalid(id, 'seq', 'must be an integer ≥ 0');
      return { ok: true, frame: data as unknown as ClientFrame };
    case 'typing':
      if (!str(data.chatId)) return invalid(id, 'chatId', 'must be a string');
      return { ok: true, frame: data as unknown as ClientFrame };
    case 'ping':
      if (data.id !== undefined && !str(data.id)) return invalid(id, 'id', 'must be a string');
      return { ok: true, frame: data as unknown as ClientFrame };
    default:
      return { ok: false, id, field: 'type', reason: str(data.type) ? `unknown frame type "${data.type}"` : 'missing type' };
  }
}
