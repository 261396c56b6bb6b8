/**
 * A raw protocol client for tests: plain `ws`, JSON frames, no project client code. It records
 * every frame and lets a test wait for the ones it expects.
 */
import WebSocket from 'ws';

export class RawClient {
  readonly frames: any[] = [];
  closeCode: number | null = null;
  private waiters: Array<{ pred: (f: any) => boolean; resolve: (f: any) => void }> = [];
  private closeWaiters: Array<(code: number) => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.pred(frame) ? (w.resolve(frame), false) : true));
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const r of this.closeWaiters) r(code);
    });
  }

  /** Opens a socket (without hello). */
  static async open(url: string, opts: WebSocket.ClientOptions = {}): Promise<RawClient> {
    const ws = new WebSocket(url, opts);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawClient(ws);
  }

  /** Opens a socket and says hello; resolves after welcome. */
  static async connect(url: string, token: string, extra: Record<string, unknown> = {}): Promise<RawClient> {
    const c = await RawClient.open(url);
    c.send({ type: 'hello', token, ...extra });
    await c.next((f) => f.type === 'welcome' || f.type === 'error');
    return c;
  }

  /** Sends a frame (object → JSON, string as is). */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first recorded or future frame matching `pred`. */
  next(pred: (f: any) => boolean, timeoutMs = 5000): Promise<any> {
    const found = this.frames.find(pred);
    if (found) return Promise.resolve(found);
    return this.waitNew(pred, timeoutMs);
  }

  /** The next future frame matching `pred` (ignores frames already received). */
  waitNew(pred: (f: any) => boolean, timeoutMs = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for frame; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Waits until `count` frames match `pred`. */
  async count(pred: (f: any) => boolean, count: number, timeoutMs = 10_000): Promise<any[]> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const matched = this.frames.filter(pred);
      if (matched.length >= count) return matched;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`expected ${count} frames, got ${this.frames.filter(pred).length}`);
  }

  /** Sends a message and resolves with its ack (or error) frame. */
  async sendMessage(chatId: string, text: string, id: string = crypto.randomUUID(), attachments?: string[]): Promise<any> {
    this.send({ type: 'send', id, chatId, text, ...(attachments ? { attachments } : {}) });
    return this.waitNew((f) => (f.type === 'ack' || f.type === 'error') && f.id === id);
  }

  /** Messages of a chat received so far, in arrival order. */
  messages(chatId: string): any[] {
    return this.frames.filter((f) => f.type === 'message' && f.message.chatId === chatId).map((f) => f.message);
  }

  /** Resolves with the close code. */
  closed(timeoutMs = 15_000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.closeWaiters.push((c) => (clearTimeout(t), resolve(c)));
    });
  }

  close(): void {
    this.ws.close();
  }
}
