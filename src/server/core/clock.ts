/** Time as the desk sees it: injected so tests can move it. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock a test sets and advances by hand. Each reading moves it on by a millisecond, as a real
 * clock would, so events keep their order (two chats never open at the very same instant).
 */
export class ManualClock implements Clock {
  constructor(private t: Date = new Date()) {}
  now(): Date {
    const reading = new Date(this.t);
    this.t = new Date(this.t.getTime() + 1);
    return reading;
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
