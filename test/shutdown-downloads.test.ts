/**
 * A server closes in bounded time even while a download is stuck: the client stopped reading a
 * large file, so its kept-alive connection never goes idle. Before, `close()` waited for it
 * forever (a test server then hung until vitest's hook timeout).
 */
import { randomUUID } from 'node:crypto';
import { Agent, get as httpGet, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { api, startServer } from './helpers/server';

describe('shutdown with a download in progress', () => {
  it('a download the client stopped reading does not hold the close', async () => {
    const server = await startServer();
    const agent = new Agent({ keepAlive: true });
    let response: IncomingMessage | null = null;
    try {
      const member = await server.user('member');
      const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '檔案' })).body.chat;
      // Larger than the loopback socket buffers on both sides, so the server cannot finish writing.
      const big = new TextEncoder().encode('南無阿彌陀佛，訂單明細。\n'.repeat(250_000));
      const form = new FormData();
      form.append('file', new Blob([big], { type: 'text/plain' }), '明細.txt');
      const up = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${member.token}` }, body: form });
      expect(up.status).toBe(201);
      const { attachment } = (await up.json()) as { attachment: { id: string; url: string } };
      expect((await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: randomUUID(), text: '明細', attachments: [attachment.id] })).status).toBe(201);

      response = await new Promise<IncomingMessage>((resolve, reject) => {
        httpGet(`${server.url}${attachment.url}`, { agent, headers: { authorization: `Bearer ${member.token}` } }, resolve).on('error', reject);
      });
      expect(response.statusCode).toBe(200);
      response.pause(); // the client reads nothing more

      const started = performance.now();
      await server.stop();
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      response?.destroy();
      agent.destroy();
    }
  }, 60_000);
});
