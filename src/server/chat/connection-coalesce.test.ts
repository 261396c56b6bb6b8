/** Frames sent to one connection in the same tick leave the TCP socket in one write. */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { BACKGROUND_FRAME_MS, Connection } from './connection';

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

describe('Connection write coalescing', () => {
  it('corks the socket for the rest of the tick, so three frames make one write, and every frame arrives', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    closers.push(() => wss.close());
    await new Promise((r) => wss.once('listening', r));
    const serverSide = new Promise<WebSocket>((r) => wss.once('connection', r));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    closers.push(() => client.close());
    const received: string[] = [];
    client.on('message', (d) => received.push(String(d)));
    const socket = await serverSide;

    const tcp = (socket as unknown as { _socket: { _writev: (...a: unknown[]) => void; _write: (...a: unknown[]) => void } })._socket;
    let writes = 0;
    const writev = tcp._writev.bind(tcp);
    const write = tcp._write.bind(tcp);
    tcp._writev = (...a) => (writes++, writev(...a));
    tcp._write = (...a) => (writes++, write(...a));

    const conn = new Connection(socket, 'c1', { perSec: 10, burst: 10 }, async () => []);
    conn.send('{"type":"ack","id":"1"}');
    conn.send('{"type":"message","n":1}');
    conn.send(Buffer.from('{"type":"message","n":2}'));
    expect(writes).toBe(0); // held until the end of the tick
    await new Promise((r) => setImmediate(r));
    expect(writes).toBe(1);

    for (let i = 0; i < 50 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(received).toEqual(['{"type":"ack","id":"1"}', '{"type":"message","n":1}', '{"type":"message","n":2}']);

    conn.send('{"type":"pong"}'); // a later tick corks again
    await new Promise((r) => setImmediate(r));
    expect(writes).toBe(2);
    conn.dispose();
  });

  it('sends through sockets without a TCP stream underneath (nothing to cork)', () => {
    const sent: string[] = [];
    const socket = { readyState: 1, bufferedAmount: 0, send: (f: string) => sent.push(f), close: () => {} };
    const conn = new Connection(socket as never, 'c2', { perSec: 10, burst: 10 }, async () => []);
    conn.send('a');
    expect(sent).toEqual(['a']);
  });

  it('a background frame waits for the next frame and leaves in the same write, or goes alone after its timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const sent: string[] = [];
      const socket = { readyState: 1, bufferedAmount: 0, send: (f: string) => sent.push(f), close: () => {} };
      const conn = new Connection(socket as never, 'c3', { perSec: 10, burst: 10 }, async () => []);
      conn.sendBackground('{"type":"sentiment","n":1}');
      expect(sent).toEqual([]);
      conn.send('{"type":"message","n":1}');
      expect(sent).toEqual(['{"type":"message","n":1}', '{"type":"sentiment","n":1}']);
      conn.sendBackground('{"type":"sentiment","n":2}');
      vi.advanceTimersByTime(BACKGROUND_FRAME_MS - 1);
      expect(sent).toHaveLength(2);
      vi.advanceTimersByTime(1);
      expect(sent.at(-1)).toBe('{"type":"sentiment","n":2}');
      conn.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});
