/**
 * Checks an attestation bundle (attestation.ts) offline, with nothing but its own contents and,
 * optionally, the public key the checker already trusts: the leaf hashes to `leafHash`, the audit
 * path leads from it to the head's root (RFC 9162 2.1.3.2), and the head's Ed25519 signature
 * holds. Without a pinned key the bundle proves only that its key signed it: compare that key
 * with the one the service publishes (`GET /api/attestation/head`, `/api/attestation/keys`).
 */
import { verifyHeadSignature } from './keys';
import { leafHash, verifyInclusion } from './merkle';

/** The outcome of checking a bundle: every step, and the first that failed. */
export interface BundleCheck {
  ok: boolean;
  steps: Array<{ step: 'format' | 'leaf_hash' | 'inclusion' | 'signature' | 'pinned_key'; ok: boolean }>;
  /** What the leaf attests, when it parses (chat id and message count). */
  summary?: { chatId: string | null; messages: number | null; treeSize: number; timestamp: string; publicKey: string };
}

const HEX64 = /^[0-9a-f]{64}$/;

type Bundle = {
  format: string; leaf: string; leafHash: string; index: number; treeSize: number; auditPath: string[];
  head: { treeSize: number; rootHash: string; timestamp: string; signature: string; publicKey: string };
};

function wellFormed(value: unknown): value is Bundle {
  const b = value as Partial<Bundle> | null;
  const h = b?.head;
  return (
    !!b && !!h &&
    b.format === 'lotusdesk-attestation-bundle/v1' &&
    typeof b.leaf === 'string' && typeof b.leafHash === 'string' && HEX64.test(b.leafHash) &&
    Number.isSafeInteger(b.index) && Number.isSafeInteger(b.treeSize) &&
    Array.isArray(b.auditPath) && b.auditPath.every((p: unknown) => typeof p === 'string' && HEX64.test(p)) &&
    h.treeSize === b.treeSize && typeof h.rootHash === 'string' && HEX64.test(h.rootHash) &&
    typeof h.timestamp === 'string' && typeof h.signature === 'string' && typeof h.publicKey === 'string'
  );
}

/** Verifies a parsed bundle; `pinnedKey` (base64 raw Ed25519) must then be the signer. */
export function verifyBundle(bundle: unknown, pinnedKey?: string): BundleCheck {
  const steps: BundleCheck['steps'] = [];
  const formatOk = wellFormed(bundle);
  steps.push({ step: 'format', ok: formatOk });
  if (!formatOk) return { ok: false, steps };
  const b = bundle;
  const h = b.head;
  const leaf = Buffer.from(b.leaf, 'base64');
  const lh = leafHash(leaf);
  steps.push({ step: 'leaf_hash', ok: lh.toString('hex') === b.leafHash && leaf.toString('base64') === b.leaf });
  steps.push({ step: 'inclusion', ok: verifyInclusion(b.index, b.treeSize, lh, b.auditPath.map((p) => Buffer.from(p, 'hex')), Buffer.from(h.rootHash, 'hex')) });
  steps.push({ step: 'signature', ok: verifyHeadSignature(h) });
  if (pinnedKey !== undefined) steps.push({ step: 'pinned_key', ok: pinnedKey === h.publicKey });
  const parsed = parseLeaf(leaf);
  return {
    ok: steps.every((s) => s.ok),
    steps,
    summary: {
      chatId: typeof parsed?.chatId === 'string' ? parsed.chatId : null,
      messages: Array.isArray(parsed?.messages) ? parsed.messages.length : null,
      treeSize: h.treeSize,
      timestamp: h.timestamp,
      publicKey: h.publicKey,
    },
  };
}

function parseLeaf(leaf: Buffer): { chatId?: unknown; messages?: unknown } | null {
  try {
    return JSON.parse(leaf.toString('utf8')) as { chatId?: unknown; messages?: unknown };
  } catch {
    return null;
  }
}
