/**
 * Rate budgets as token buckets: one per connection (in Connection) and one per user across all
 * of the user's sockets and HTTP message sends on this node, so opening more sockets or switching
 * to HTTP does not multiply what one user may send.
 */
import { AppError } from '../core/errors';

/** A sustained rate and the burst allowed above it. */
export interface RateBudget {
  perSec: number;
  burst: number;
}

/** `perSec` tokens a second, holding at most `burst`; starts full. */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly budget: RateBudget,
    now = Date.now(),
  ) {
    this.tokens = budget.burst;
    this.refilledAt = now;
  }

  /** Takes one token; false when none is left. */
  take(now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token. */
  retryAfterMs(now = Date.now()): number {
    this.refill(now);
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.budget.perSec) * 1000));
  }

  /** True when the bucket has refilled completely (an idle user's bucket can be forgotten). */
  isFull(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.budget.burst;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.budget.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.budget.perSec);
    this.refilledAt = now;
  }
}

/** Idle users' buckets are forgotten this often (a full bucket is what a new one would be). */
const SWEEP_EVERY_MS = 60_000;

/** One token bucket per user id on this node. */
export class UserRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private sweptAt = Date.now();

  constructor(private readonly budget: RateBudget) {}

  /** Spends one token of the user's budget: null when allowed, else the milliseconds to wait. */
  take(userId: string, now = Date.now()): number | null {
    if (now - this.sweptAt > SWEEP_EVERY_MS) this.sweep(now);
    let bucket = this.buckets.get(userId);
    if (!bucket) this.buckets.set(userId, (bucket = new TokenBucket(this.budget, now)));
    return bucket.take(now) ? null : bucket.retryAfterMs(now);
  }

  /** Spends one token or throws rate_limited with `details.retryAfterMs` (HTTP 429). */
  spend(userId: string): void {
    const wait = this.take(userId);
    if (wait !== null) throw new AppError('rate_limited', { retryAfterMs: wait });
  }

  /** Users with a bucket in memory (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [userId, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(userId);
  }
}

/** Spends one token of the connection's budget and one of its user's: null, or the milliseconds to wait. */
export function spendBudgets(conn: { readonly userId: string; takeToken(): boolean; retryAfterMs(): number }, users: UserRateLimiter): number | null {
  if (!conn.takeToken()) return conn.retryAfterMs();
  return users.take(conn.userId);
}
