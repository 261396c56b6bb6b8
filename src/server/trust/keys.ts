/**
 * The Ed25519 key that signs tree heads (docs/PROTOCOL.md part 2, `LOTUSDESK_ATTESTATION_KEY`):
 * a PKCS#8 PEM given inline or as a file path; unset, generated once into the data directory and
 * kept there (mode 0600), so heads signed before a restart still verify with the same key.
 *
 * Rotation: set a new key and restart. Every signed head stores the public key that signed it, so
 * heads signed with the old key keep verifying; `GET /api/attestation/keys` lists every key that
 * has signed and the tree sizes it covered.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A loaded signing key and its public half in the contract's form (base64 of the raw 32 bytes). */
export interface AttestationKey {
  privateKey: KeyObject;
  publicKey: string;
  /** Where the key came from, for the start-up log. */
  source: 'environment' | 'file' | 'generated' | 'data-directory';
}

/** The file the embedded default keeps its generated key in. */
export const KEY_FILE = 'attestation-key.pem';

/** Loads the key from the setting (PEM or path) or the data directory, generating it there once. */
export function loadAttestationKey(setting: string | null, dataDir: string): AttestationKey {
  if (setting) {
    const inline = setting.includes('-----BEGIN');
    const pem = inline ? setting.replace(/\\n/g, '\n') : readFileSync(setting, 'utf8');
    return fromPem(pem, inline ? 'environment' : 'file');
  }
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) return fromPem(readFileSync(file, 'utf8'), 'data-directory');
  mkdirSync(dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // wx: two processes starting at once on the same directory never overwrite each other's key.
  try {
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fromPem(readFileSync(file, 'utf8'), 'data-directory');
    throw err;
  }
  return fromPem(pem, 'generated');
}

function fromPem(pem: string, source: AttestationKey['source']): AttestationKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`LOTUSDESK_ATTESTATION_KEY must be an Ed25519 key, got ${privateKey.asymmetricKeyType}`);
  return { privateKey, publicKey: rawPublicKey(createPublicKey(privateKey)), source };
}

/** Base64 of an Ed25519 public key's raw 32 bytes. */
export function rawPublicKey(key: KeyObject): string {
  const x = key.export({ format: 'jwk' }).x;
  if (!x) throw new Error('not an Ed25519 public key');
  return Buffer.from(x, 'base64url').toString('base64');
}

/** The bytes a tree head's signature covers. */
export function headMessage(treeSize: number, rootHash: string, timestamp: string): Buffer {
  return Buffer.from(`lotusdesk-sth:v1\n${treeSize}\n${rootHash}\n${timestamp}`, 'utf8');
}

/** Signs a tree head; base64 signature. */
export function signHead(key: KeyObject, treeSize: number, rootHash: string, timestamp: string): string {
  return sign(null, headMessage(treeSize, rootHash, timestamp), key).toString('base64');
}

/** Checks a tree head's signature against a base64 raw public key. */
export function verifyHeadSignature(head: { treeSize: number; rootHash: string; timestamp: string; signature: string; publicKey: string }): boolean {
  try {
    const raw = Buffer.from(head.publicKey, 'base64');
    if (raw.length !== 32) return false;
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    return verify(null, headMessage(head.treeSize, head.rootHash, head.timestamp), key, Buffer.from(head.signature, 'base64'));
  } catch {
    return false;
  }
}
