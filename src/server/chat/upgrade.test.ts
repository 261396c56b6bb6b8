/** releaseUpgrade: after the handshake nothing of the HTTP upgrade stays reachable from the socket, and the socket still works. */
import Fastify from 'fastify';
import websocket from '@fastify/websocket';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { releaseUpgrade } from './upgrade';

const apps: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

describe('releaseUpgrade', () => {
  it('detaches the stand-in response, forgets the head buffer and the plugin error listener; the socket keeps working', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(websocket);
    const seen: Record<string, unknown> = {};
    app.get('/ws', { websocket: true }, (socket, request) => {
      const net = (socket as unknown as { _socket: { _httpMessage: unknown } })._socket;
      const wsSymbols = () => Object.getOwnPropertySymbols(request.raw).filter((s) => s.description?.startsWith('ws'));
      seen.before = { response: net._httpMessage !== null && net._httpMessage !== undefined, symbols: wsSymbols().length, errorListeners: socket.listenerCount('error') };
      releaseUpgrade(socket, request.raw);
      seen.after = { response: net._httpMessage ?? null, symbols: wsSymbols().length, errorListeners: socket.listenerCount('error') };
      socket.on('error', () => {});
      socket.on('message', (data) => socket.send(`echo ${String(data)}`));
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const client = new WebSocket(`${address.replace('http', 'ws')}/ws`);
    await new Promise((resolve, reject) => (client.once('open', resolve), client.once('error', reject)));
    client.send('蓮');
    const reply = await new Promise<string>((resolve) => client.once('message', (d) => resolve(String(d))));
    client.close();

    // What the plugin leaves behind (so this test notices if it stops doing so), then what is left.
    expect(seen.before).toEqual({ response: true, symbols: 2, errorListeners: 1 });
    expect(seen.after).toEqual({ response: null, symbols: 0, errorListeners: 0 });
    expect(reply).toBe('echo 蓮');
  });
});
