/**
 * The live connections of this node, indexed by user and by role, so delivering an event costs
 * the number of its recipients, not the number of connections.
 */
import type { Audience } from '../../shared/bus-events';
import type { Role } from '../../shared/protocol';

/** What the registry needs of a connection. */
export interface Deliverable {
  readonly userId: string;
  readonly role: Role;
}

export class ConnectionRegistry<C extends Deliverable> {
  private readonly byUser = new Map<string, Set<C>>();
  private readonly byRole = new Map<Role, Set<C>>();
  private count = 0;

  /** Adds an authenticated connection. */
  add(conn: C): void {
    addTo(this.byUser, conn.userId, conn);
    addTo(this.byRole, conn.role, conn);
    this.count++;
  }

  /** Removes a connection; returns how many connections its user still has here. */
  remove(conn: C): number {
    const removed = removeFrom(this.byUser, conn.userId, conn);
    removeFrom(this.byRole, conn.role, conn);
    if (removed) this.count--;
    return this.byUser.get(conn.userId)?.size ?? 0;
  }

  /** Number of authenticated connections on this node. */
  get size(): number {
    return this.count;
  }

  /** Connections of one user on this node. */
  ofUser(userId: string): ReadonlySet<C> {
    return this.byUser.get(userId) ?? EMPTY;
  }

  /** Every connection in the audience, each once. */
  *match(audience: Audience): Iterable<C> {
    const seen = new Set<C>();
    for (const id of audience.userIds) {
      if (id === audience.exceptUserId) continue;
      for (const c of this.byUser.get(id) ?? EMPTY) {
        if (seen.has(c)) continue;
        seen.add(c);
        yield c;
      }
    }
    for (const role of audience.roles) {
      for (const c of this.byRole.get(role) ?? EMPTY) {
        if (c.userId === audience.exceptUserId || seen.has(c)) continue;
        seen.add(c);
        yield c;
      }
    }
  }

  /** Every connection (for heartbeats and shutdown). */
  *all(): Iterable<C> {
    for (const set of this.byUser.values()) yield* set;
  }
}

const EMPTY: ReadonlySet<never> = new Set();

function addTo<K, C>(map: Map<K, Set<C>>, key: K, conn: C): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(conn);
}

function removeFrom<K, C>(map: Map<K, Set<C>>, key: K, conn: C): boolean {
  const set = map.get(key);
  if (!set?.delete(conn)) return false;
  if (set.size === 0) map.delete(key);
  return true;
}
