/**
 * The citation index kept on disk: building it over the canon normalizes millions of characters,
 * so a node builds it once and later starts (and the other nodes sharing a data folder) read it
 * back. The file is named by a hash of everything the index depends on (the documents' ids and
 * texts, the variant tables, how every character of the corpus normalizes), so a changed corpus
 * or normalization never reads a stale index: it builds and replaces the file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeText, VARIANT_FINGERPRINT } from '../normalize';
import type { SutraDoc } from './catalog';
import { CITATION_NORMALIZE, CorpusIndex, type IndexParts } from './corpus-index';

const FORMAT = 'lotusdesk-citation-index-1';
const PREFIX = 'citation-index-';
const ARRAYS = ['alphabet', 'spans', 'text', 'origStart', 'rows', 'cols', 'starts', 'positions'] as const;

/** How an index was obtained, for the start-up log and the benchmark. */
export interface LoadedIndex {
  index: CorpusIndex;
  from: 'cache' | 'built';
  ms: number;
  file: string | null;
}

/** The index of `docs`: read from `cacheDir` when a file for exactly these documents is there, else built (and stored). */
export function loadOrBuildIndex(docs: readonly SutraDoc[], cacheDir: string | null): LoadedIndex {
  const started = performance.now();
  if (!cacheDir) return { index: new CorpusIndex(docs), from: 'built', ms: performance.now() - started, file: null };
  const file = join(cacheDir, `${PREFIX}${indexKey(docs)}.bin`);
  const parts = readParts(file);
  if (parts && parts.spans.length === docs.length * 2) return { index: new CorpusIndex(docs, parts), from: 'cache', ms: performance.now() - started, file };
  const index = new CorpusIndex(docs);
  try {
    writeParts(cacheDir, file, index.parts);
  } catch {
    // A read-only data folder only costs the next start a rebuild.
  }
  return { index, from: 'built', ms: performance.now() - started, file };
}

/** A hash of everything the index of `docs` depends on. */
export function indexKey(docs: readonly SutraDoc[]): string {
  const h = createHash('sha256').update(FORMAT).update('\0').update(VARIANT_FINGERPRINT);
  const seen = new Uint8Array(0x110000);
  const chars: number[] = [];
  for (const d of docs) {
    const text = d.content;
    h.update(`\0${d.id}\0${text.length}\0`).update(text);
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      if (!seen[cp]) {
        seen[cp] = 1;
        chars.push(cp);
      }
    }
  }
  // The folding tables (script conversion, NFKC) as they apply to this corpus's characters.
  h.update('\0').update(chars.map((cp) => `${String.fromCodePoint(cp)}${normalizeText(String.fromCodePoint(cp), CITATION_NORMALIZE)}`).join('\u0001'));
  return h.digest('hex').slice(0, 24);
}

function readParts(file: string): IndexParts | null {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return null;
  }
  try {
    const headLen = buf.readUInt32LE(0);
    const head = JSON.parse(buf.subarray(4, 4 + headLen).toString('utf8')) as { format: string; arrays: Array<{ name: string; bits: 16 | 32; length: number; at: number }> };
    if (head.format !== FORMAT) return null;
    // Typed arrays need aligned offsets: copy into a fresh buffer when the read one is not.
    const ab = buf.byteOffset % 4 === 0 ? buf.buffer : new Uint8Array(buf).buffer;
    const base = buf.byteOffset % 4 === 0 ? buf.byteOffset : 0;
    const out: Record<string, Uint16Array | Uint32Array> = {};
    for (const a of head.arrays) out[a.name] = a.bits === 16 ? new Uint16Array(ab, base + a.at, a.length) : new Uint32Array(ab, base + a.at, a.length);
    if (!ARRAYS.every((n) => out[n])) return null;
    return out as unknown as IndexParts;
  } catch {
    return null;
  }
}

function writeParts(cacheDir: string, file: string, parts: IndexParts): void {
  const arrays: Array<{ name: string; bits: 16 | 32; length: number; at: number }> = [];
  const views = ARRAYS.map((name) => parts[name]);
  // The header's length depends on the offsets it records: reserve a fixed header size.
  const HEAD = 4096;
  let at = HEAD;
  for (const [i, v] of views.entries()) {
    arrays.push({ name: ARRAYS[i], bits: v instanceof Uint16Array ? 16 : 32, length: v.length, at });
    at += Math.ceil(v.byteLength / 4) * 4;
  }
  const head = Buffer.from(JSON.stringify({ format: FORMAT, arrays }), 'utf8');
  if (head.length + 4 > HEAD) throw new Error('index header too large');
  const out = Buffer.alloc(at);
  out.writeUInt32LE(head.length, 0);
  head.copy(out, 4);
  for (const [i, v] of views.entries()) Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(out, arrays[i].at);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, file);
  for (const f of readdirSync(cacheDir)) if (f.startsWith(PREFIX) && join(cacheDir, f) !== file && !f.endsWith('.tmp')) rmSync(join(cacheDir, f), { force: true });
}
