/** Wire shapes of the trust routes (docs/PROTOCOL.md part 2, "Trust"), shared by the server's tests and the web app. */

/** One audit log entry. */
export interface AuditEntryDto {
  seq: number;
  at: string;
  actorId: string | null;
  actorRole: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The result of `GET /api/audit/verify`. */
export interface ChainCheckDto {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string };
  broken?: { seq: number; reason: 'seq_gap' | 'prev_hash' | 'hash' };
}

/** The audit actions the product records. */
export const AUDIT_ACTIONS = ['chat.accept', 'chat.transfer', 'chat.close', 'chat.read', 'note.create', 'chat.attest', 'attestation.export', 'audit.export', 'settings.change'] as const;

/** A chat's attestation status (`GET /api/chats/:id/attestation`). */
export interface ChatAttestationDto {
  entries: Array<{ index: number; leafHash: string; treeSize: number; attestedAt: string }>;
  matches: boolean;
}
