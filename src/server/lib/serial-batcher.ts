/**
 * Gathers small writes into few round trips (database statements, Redis commands). Calls made in
 * the same turn share the first write; calls made while a write runs share the next one. A quiet
 * system writes at once, a busy one writes a few large batches instead of one per call, each a
 * statement and a pool round trip (see docs/decisions/006).
 *
 * One batch is written at a time, so a batcher never holds more than one pooled connection. Writes
 * nobody waits on (scores, moods) may also ask for a spacing: a write that follows another waits
 * out the rest of it and takes everything that arrived meanwhile, so a busy node writes a few
 * statements a second instead of one per group commit, while a quiet one still writes at once.
 */
interface Pending<In, Out> {
  input: In;
  resolve(out: Out): void;
  reject(err: unknown): void;
}

/** Writes a batch; returns one result per input, in input order. */
export type BatchWriter<In, Out> = (inputs: In[]) => Promise<Out[]>;

export interface SerialBatcherOptions {
  /** The largest batch per write: keeps statements and their locks small. */
  maxBatch?: number;
  /** The least time from the start of one write to the start of the next (default 0). */
  spacingMs?: number;
}

export class SerialBatcher<In, Out> {
  private queue: Array<Pending<In, Out>> = [];
  private writing = false;
  private readonly maxBatch: number;
  private readonly spacingMs: number;
  /** When the last write started (performance.now()); spacing counts from here. */
  private lastStart = -Infinity;

  constructor(
    private readonly write: BatchWriter<In, Out>,
    opts: SerialBatcherOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.spacingMs = opts.spacingMs ?? 0;
  }

  /** Queues one input; settles with its own result once its batch is written (or fails with it). */
  add(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      // Start on the next microtask, so calls made in the same turn share the first statement.
      queueMicrotask(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length) {
        const wait = this.lastStart + this.spacingMs - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        this.lastStart = performance.now();
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((p) => p.input));
          batch.forEach((p, i) => p.resolve(results[i]));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
