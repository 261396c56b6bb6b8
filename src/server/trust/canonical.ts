/**
 * Canonical JSON (keys sorted at every depth, no spaces) and SHA-256, the encodings the audit
 * chain and the transparency log hash (docs/PROTOCOL.md part 2, "Trust"). Two parties that hold
 * the same values produce the same bytes, so a hash computed here can be recomputed anywhere.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted (by UTF-16 code units, as `Array.prototype.sort`) and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
    }
    return JSON.stringify(value);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** Hex SHA-256 of a string's UTF-8 bytes or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
