/**
 * The transparency log (docs/PROTOCOL.md part 2, "Trust"): an append-only RFC 9162 Merkle tree
 * stored as its leaves and the hash of every complete subtree (merkle.ts), plus the Ed25519-signed
 * heads. Roots and proofs read O(log n) stored nodes in one query; nothing rebuilds the tree.
 *
 * Appends and head signing hold one advisory lock, so the tree grows linearly however many nodes
 * append, and a head is signed only after its consistency with the previous signed head is
 * checked with the RFC's own verifier (a log that forked or lost leaves refuses to sign).
 */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Db } from '../db/database';
import { arrayLiteral } from '../db/array-literal';
import type { PreparedRunner } from '../db/db-types';
import type { Database } from '../db/schema';
import { signHead, type AttestationKey } from './keys';
import { chunksOf, consistencyRanges, EMPTY_ROOT, foldChunks, inclusionRanges, leafHash, nodeHash, nodeId, verifyConsistency, type LeafRange, type NodeKey } from './merkle';

/** The first key of the trust domain's advisory locks ('trst'); the second names the log. */
export const TRUST_LOCK_CLASS = 0x74727374;
export const TLOG_LOCK = 2;

/** A leaf to append: its canonical bytes (UTF-8 JSON) and what it is about. */
export interface LeafInput {
  kind: string;
  /** The chat id, audit head or other subject the leaf attests (looked up by it later). */
  subject: string | null;
  leaf: string;
}

/** Where an appended leaf sits: its index, its hash, and the tree size right after it. */
export interface AppendedLeaf {
  index: number;
  leafHash: string;
  treeSize: number;
}

/** A signed tree head, as served by `GET /api/attestation/head`. */
export interface SignedHead {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  signature: string;
  publicKey: string;
}

/** A stored leaf. */
export interface StoredLeaf {
  index: number;
  kind: string;
  subject: string | null;
  leaf: string;
  leafHash: string;
  createdAt: string;
}

type Conn = Kysely<Database>;

/** Rows per INSERT statement (far below PostgreSQL's 65,535 parameters). */
const INSERT_BATCH = 2000;

export class TransparencyLog {
  constructor(
    private readonly db: Db,
    private readonly key: AttestationKey,
    private readonly now: () => Date = () => new Date(),
    /** Named prepared statements for the proof reads (outside transactions); without it, plain queries. */
    private readonly prepared?: PreparedRunner,
  ) {}

  /** The public key heads are signed with now. */
  get publicKey(): string {
    return this.key.publicKey;
  }

  /** Appends leaves in one transaction, in order; returns where each landed. */
  async append(items: LeafInput[]): Promise<AppendedLeaf[]> {
    if (items.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      await lock(trx);
      const size = await sizeOf(trx);
      // The complete subtrees of the current tree are the only older nodes new parents need.
      const known = await fetchNodes(trx, chunksOf([0, size]));
      const leaves: Insertable<Database['tlog_leaves']>[] = [];
      const nodes: Array<{ level: number; idx: number; hash: string }> = [];
      const out: AppendedLeaf[] = [];
      items.forEach((item, j) => {
        const index = size + j;
        const h = leafHash(Buffer.from(item.leaf, 'utf8'));
        leaves.push({ index, kind: item.kind, subject: item.subject, leaf: item.leaf, leaf_hash: h.toString('hex') });
        out.push({ index, leafHash: h.toString('hex'), treeSize: index + 1 });
        let level = 0;
        let idx = index;
        let hash = h;
        known.set(nodeId({ level, idx }), hash);
        nodes.push({ level, idx, hash: hash.toString('hex') });
        // A right child completes its parent: store the parent, and so on up.
        while (idx % 2 === 1) {
          const left = known.get(nodeId({ level, idx: idx - 1 }));
          if (!left) throw new Error(`transparency log: missing node ${level}:${idx - 1}`);
          hash = nodeHash(left, hash);
          known.delete(nodeId({ level, idx: idx - 1 }));
          known.delete(nodeId({ level, idx }));
          level++;
          idx = (idx - 1) / 2;
          known.set(nodeId({ level, idx }), hash);
          nodes.push({ level, idx, hash: hash.toString('hex') });
        }
      });
      for (let i = 0; i < leaves.length; i += INSERT_BATCH) await trx.insertInto('tlog_leaves').values(leaves.slice(i, i + INSERT_BATCH)).execute();
      for (let i = 0; i < nodes.length; i += INSERT_BATCH) await trx.insertInto('tlog_nodes').values(nodes.slice(i, i + INSERT_BATCH)).execute();
      return out;
    });
  }

  /** Where proof reads go: the prepared statement when there is one (one parse per connection, not per proof). */
  private get reader(): NodeReader {
    return this.prepared ? { prepared: this.prepared } : this.db;
  }

  /** The number of leaves. */
  size(): Promise<number> {
    return sizeOf(this.db);
  }

  /** The hex root hash of the tree's first `treeSize` leaves. */
  async rootAt(treeSize: number): Promise<string> {
    return (await rangeHashes(this.reader, [[0, treeSize]]))[0].toString('hex');
  }

  /** One stored leaf, or null. */
  async leaf(index: number): Promise<StoredLeaf | null> {
    const r = await this.db.selectFrom('tlog_leaves').selectAll().where('index', '=', index).executeTakeFirst();
    return r ? presentLeaf(r) : null;
  }

  /** The leaves about one subject (a chat), oldest first. */
  async leavesOf(subject: string, kind: string): Promise<StoredLeaf[]> {
    const rows = await this.db.selectFrom('tlog_leaves').selectAll().where('subject', '=', subject).where('kind', '=', kind).orderBy('index').execute();
    return rows.map(presentLeaf);
  }

  /** The newest leaf of a kind (the last attested audit head), or null. */
  async lastOfKind(kind: string, subject: string): Promise<StoredLeaf | null> {
    const r = await this.db.selectFrom('tlog_leaves').selectAll().where('subject', '=', subject).where('kind', '=', kind).orderBy('index', 'desc').limit(1).executeTakeFirst();
    return r ? presentLeaf(r) : null;
  }

  /** The audit path of leaf `index` in the tree of `treeSize` leaves (RFC 9162 2.1.3.1), from stored nodes. */
  async inclusion(index: number, treeSize: number): Promise<{ leafHash: string; auditPath: string[] }> {
    const ranges = inclusionRanges(index, treeSize);
    const hashes = await rangeHashes(this.reader, [[index, index + 1], ...ranges]);
    return { leafHash: hashes[0].toString('hex'), auditPath: hashes.slice(1).map((h) => h.toString('hex')) };
  }

  /** The consistency proof between two tree sizes (RFC 9162 2.1.4.1), from stored nodes. */
  async consistency(first: number, second: number): Promise<string[]> {
    return (await rangeHashes(this.reader, consistencyRanges(first, second))).map((h) => h.toString('hex'));
  }

  /** The newest signed head, or null before the first. */
  async latestHead(): Promise<SignedHead | null> {
    return latestHead(this.db);
  }

  /** The newest signed head covering at least `treeSize` leaves, or null. */
  async headCovering(treeSize: number): Promise<SignedHead | null> {
    const r = await this.db.selectFrom('tlog_heads').selectAll().where('tree_size', '>=', treeSize).orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
    return r ? presentHead(r) : null;
  }

  /** Every key that has signed heads, with the range of tree sizes it signed (rotation). */
  async keys(): Promise<Array<{ publicKey: string; firstTreeSize: number; lastTreeSize: number; current: boolean }>> {
    const rows = await this.db
      .selectFrom('tlog_heads')
      .select(['public_key', (eb) => eb.fn.min('tree_size').as('first'), (eb) => eb.fn.max('tree_size').as('last')])
      .groupBy('public_key')
      .orderBy('first')
      .execute();
    const list = rows.map((r) => ({ publicKey: r.public_key, firstTreeSize: Number(r.first), lastTreeSize: Number(r.last), current: r.public_key === this.key.publicKey }));
    if (!list.some((k) => k.current)) list.push({ publicKey: this.key.publicKey, firstTreeSize: -1, lastTreeSize: -1, current: true });
    return list;
  }

  /**
   * Signs a head for the tree as it is, unless the newest head already covers every leaf. Before
   * signing, the new tree must prove consistent with the newest head (RFC 9162 2.1.4.2); if it does
   * not, nothing is signed and the error says so.
   */
  async signHead(): Promise<{ head: SignedHead; signed: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      await lock(trx);
      const size = await sizeOf(trx);
      const last = await latestHead(trx);
      if (last && last.treeSize === size) return { head: last, signed: false };
      if (last && last.treeSize > size) throw new Error(`transparency log shrank: ${size} leaves, last signed head covers ${last.treeSize}`);
      const root = size === 0 ? EMPTY_ROOT : (await rangeHashes(trx, [[0, size]]))[0];
      // The empty tree is a prefix of every tree: a head at size 0 needs no proof.
      if (last && last.treeSize > 0) {
        const proof = await rangeHashes(trx, consistencyRanges(last.treeSize, size));
        if (!verifyConsistency(last.treeSize, size, Buffer.from(last.rootHash, 'hex'), root, proof)) {
          throw new Error(`transparency log is not consistent with the head it signed at size ${last.treeSize}; refusing to sign`);
        }
      }
      const rootHash = root.toString('hex');
      const timestamp = this.now().toISOString();
      const head: SignedHead = { treeSize: size, rootHash, timestamp, signature: signHead(this.key.privateKey, size, rootHash, timestamp), publicKey: this.key.publicKey };
      await trx
        .insertInto('tlog_heads')
        .values({ tree_size: size, root_hash: rootHash, timestamp, signature: head.signature, public_key: head.publicKey })
        .execute();
      return { head, signed: true };
    });
  }
}

async function lock(trx: Conn): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${TRUST_LOCK_CLASS}::int, ${TLOG_LOCK}::int)`.execute(trx);
}

async function sizeOf(db: Conn): Promise<number> {
  const r = await db.selectFrom('tlog_leaves').select((eb) => eb.fn.max('index').as('last')).executeTakeFirst();
  return r?.last === null || r?.last === undefined ? 0 : Number(r.last) + 1;
}

async function latestHead(db: Conn): Promise<SignedHead | null> {
  const r = await db.selectFrom('tlog_heads').selectAll().orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
  return r ? presentHead(r) : null;
}

/** A connection or transaction, or the prepared-statement runner (reads outside transactions). */
type NodeReader = Conn | { prepared: PreparedRunner };

/** One statement text for any set of keys (arrays as parameters), so it is parsed and planned once. */
const NODES_SQL = 'SELECT n.level, n.idx, n.hash FROM unnest($1::smallint[], $2::bigint[]) AS k(level, idx) JOIN tlog_nodes n ON n.level = k.level AND n.idx = k.idx';

/** Fetches stored nodes by key in one query. */
async function fetchNodes(db: NodeReader, keys: NodeKey[]): Promise<Map<string, Buffer>> {
  const map = new Map<string, Buffer>();
  if (keys.length === 0) return map;
  const unique = [...new Map(keys.map((k) => [nodeId(k), k])).values()];
  const params = [arrayLiteral(unique.map((k) => k.level)), arrayLiteral(unique.map((k) => k.idx))];
  type Row = { level: number; idx: number | string; hash: string };
  const rows = 'prepared' in db ? await db.prepared<Row>('tlog_nodes_by_key', NODES_SQL, params) : (await sql<Row>`SELECT n.level, n.idx, n.hash FROM unnest(${params[0]}::smallint[], ${params[1]}::bigint[]) AS k(level, idx) JOIN tlog_nodes n ON n.level = k.level AND n.idx = k.idx`.execute(db)).rows;
  for (const r of rows) map.set(`${r.level}:${Number(r.idx)}`, Buffer.from(r.hash, 'hex'));
  return map;
}

/** The RFC hashes of leaf ranges, from the stored complete subtrees they fold (one query for all). */
async function rangeHashes(db: NodeReader, ranges: LeafRange[]): Promise<Buffer[]> {
  const chunked = ranges.map((r) => chunksOf(r));
  const nodes = await fetchNodes(db, chunked.flat());
  return chunked.map((chunks) =>
    foldChunks(
      chunks.map((k) => {
        const h = nodes.get(nodeId(k));
        if (!h) throw new Error(`transparency log: missing node ${nodeId(k)}`);
        return h;
      }),
    ),
  );
}

function presentLeaf(r: Selectable<Database['tlog_leaves']>): StoredLeaf {
  return { index: Number(r.index), kind: r.kind, subject: r.subject, leaf: r.leaf, leafHash: r.leaf_hash, createdAt: new Date(r.created_at).toISOString() };
}

function presentHead(r: { tree_size: number | string; root_hash: string; timestamp: string; signature: string; public_key: string }): SignedHead {
  return { treeSize: Number(r.tree_size), rootHash: r.root_hash, timestamp: r.timestamp, signature: r.signature, publicKey: r.public_key };
}
