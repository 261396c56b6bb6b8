/**
 * `npm run verify -- FILE [--public-key BASE64]`: checks an attestation bundle
 * (`GET /api/chats/:id/attestation/bundle`) offline: leaf hash, RFC 9162 inclusion in the signed
 * head, the head's Ed25519 signature, and (with --public-key) that the published key signed it.
 * Exit code 0 when every check passes, 1 when one fails, 2 on bad usage or an unreadable file.
 */
import { readFileSync } from 'node:fs';
import { verifyBundle } from '../src/server/trust/bundle';

const args = process.argv.slice(2);
const keyAt = args.indexOf('--public-key');
const pinned = keyAt >= 0 ? args[keyAt + 1] : undefined;
const file = args.find((a, i) => !a.startsWith('--') && (keyAt < 0 || i !== keyAt + 1));
if (!file || (keyAt >= 0 && !pinned)) {
  process.stderr.write('usage: npm run verify -- FILE [--public-key BASE64]\n');
  process.exit(2);
}
let bundle: unknown;
try {
  bundle = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  process.stderr.write(`verify: cannot read ${file}: ${(err as Error).message}\n`);
  process.exit(2);
}
const result = verifyBundle(bundle, pinned);
for (const s of result.steps) process.stdout.write(`${s.ok ? 'ok  ' : 'FAIL'} ${s.step}\n`);
if (result.summary) {
  const s = result.summary;
  process.stdout.write(`chat ${s.chatId ?? '?'}, ${s.messages ?? '?'} messages; tree size ${s.treeSize}, signed ${s.timestamp} by ${s.publicKey}\n`);
}
process.stdout.write(result.ok ? 'VERIFIED\n' : 'NOT VERIFIED\n');
process.exit(result.ok ? 0 : 1);
