/**
 * Gathers small writes into few round trips (database statements, Redis commands). Calls made in
 * the same turn share the first write; calls made while a write runs share the next one. A quiet
 * system writes at once, a busy one writes a few large batches instead of one per call: under
 * load, one statement per message was most of PostgreSQL's transactions and a pool round trip
 * each (bench/).
 *
 * One batch is written at a time, so a batcher never holds more than one pooled connection.
 */
interface Pending<In, Out> {
  input: In;
  resolve(out: Out): void;
  reject(err: unknown): void;
}

/** Writes a batch; returns one result per input, in input order. */
export type BatchWriter<In, Out> = (inputs: In[]) => Promise<Out[]>;

export class SerialBatcher<In, Out> {
  private queue: Array<Pending<In, Out>> = [];
  private writing = false;

  constructor(
    private readonly write: BatchWriter<In, Out>,
    /** The largest batch per statement: keeps statements and their locks small. */
    private readonly maxBatch = 500,
  ) {}

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
