/**
 * File names: the user's name is only ever a label. It is cleaned for display and for the
 * `Content-Disposition` header; it never becomes a path on disk (storage uses generated ids).
 */

/** Longest display name kept, in characters (code points), extension included. */
export const MAX_NAME_CHARS = 120;

// Control characters (C0, DEL, C1) and format characters: the latter include the bidi overrides
// (U+202E) that make "invoice\u202Egpj.exe" display as "invoiceexe.jpg".
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
// Characters Windows refuses in names; a download saved under such a name would fail or surprise.
const RESERVED = /[<>:"|?*]/g;

/**
 * A safe display name: the last path segment only (so `../../etc/passwd` is `passwd`), no control
 * or bidi characters, no leading dots (no hidden files), at most MAX_NAME_CHARS characters with
 * the extension kept, and an extension matching the sniffed type.
 */
export function sanitizeName(raw: string | undefined | null, allowedExts: readonly string[], fallbackBase = 'file'): string {
  let name = (raw ?? '').normalize('NFC').replace(INVISIBLE, '');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.replace(RESERVED, '_').replace(/\s+/g, ' ').trim();
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  const dot = name.lastIndexOf('.');
  let base = dot > 0 ? name.slice(0, dot) : name;
  let ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  // The name must not claim another type than the bytes: "photo.exe" holding a PNG becomes "photo.exe.png".
  if (!allowedExts.includes(ext)) {
    if (ext) base = `${base}.${name.slice(dot + 1)}`;
    ext = allowedExts[0] ?? '';
  }
  if (!base) base = fallbackBase;
  const suffix = ext ? `.${ext}` : '';
  const room = MAX_NAME_CHARS - [...suffix].length;
  const chars = [...base];
  if (chars.length > room) base = chars.slice(0, room).join('').trimEnd();
  return base + suffix;
}

/** RFC 5987 value characters: encodeURIComponent leaves a few that the header grammar does not allow. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A `Content-Disposition` value (RFC 6266): an ASCII `filename` fallback for old clients and the
 * exact UTF-8 name in `filename*` (RFC 5987), so 蓮心.pdf downloads as 蓮心.pdf.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${rfc5987(name)}`;
}
