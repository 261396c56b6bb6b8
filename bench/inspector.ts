/**
 * Talks to a server process's V8 inspector (started with --inspect=127.0.0.1:0): a full garbage
 * collection and the process's own memory figures, so idle-density readings compare live memory
 * rather than whatever garbage each process happens to carry; and CPU profiles of exactly one
 * load phase (not of start-up, as `node --cpu-prof` would include).
 */
import WebSocket from 'ws';
import type { CpuProfile } from './profile';

export interface InspectorMemory {
  heapUsedKb: number;
  externalKb: number;
}

export class Inspector {
  private next = 1;
  private readonly pending = new Map<number, (result: any) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.id !== undefined) this.pending.get(msg.id)?.(msg.result ?? msg.error);
      this.pending.delete(msg.id);
    });
  }

  /** Finds the debugger URL a process printed on stderr and connects to it. */
  static async attach(output: string[], timeoutMs = 10_000): Promise<Inspector> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(output.join(''))?.[1];
      if (url) {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
        return new Inspector(ws);
      }
      if (Date.now() > until) throw new Error('the server printed no inspector URL');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private call(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** A full, compacting garbage collection in the server. */
  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.enable');
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.disable');
  }

  /** The server's own view of its heap after the last collection. */
  async memory(): Promise<InspectorMemory> {
    const r = await this.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    const m = JSON.parse(r.result.value);
    return { heapUsedKb: Math.round(m.heapUsed / 1024), externalKb: Math.round(m.external / 1024) };
  }

  /** Starts sampling the server's main thread (V8 CPU profiler, 1 ms interval). */
  async startProfiling(): Promise<void> {
    await this.call('Profiler.enable');
    await this.call('Profiler.setSamplingInterval', { interval: 1000 });
    await this.call('Profiler.start');
  }

  /** Stops sampling and returns the profile (the .cpuprofile format). */
  async stopProfiling(): Promise<CpuProfile> {
    const r = await this.call('Profiler.stop');
    await this.call('Profiler.disable');
    return r.profile as CpuProfile;
  }

  close(): void {
    this.ws.close();
  }
}
