/** Time as the desk sees it: injected so tests can move it. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock a test sets and advances by hand. */
export class ManualClock implements Clock {
  constructor(private t: Date = new Date()) {}
  now(): Date {
    return new Date(this.t);
  }
  /** Moves time forward. */
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
  /** Sets the time. */
  set(t: Date): void {
    this.t = new Date(t);
  }
}
