/**
 * The ceiling: a bare `ws` relay with no auth and no storage. It speaks just enough of LotusDesk's
 * JSON frames for the benchmark scenarios (hello → welcome and joins the rooms named in `resume`;
 * send → ack to the sender and one `message` frame, serialized once, to every socket in the room).
 * Plain Node ESM on purpose: nothing between the socket and the relay loop.
 */
import { WebSocketServer } from 'ws';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 0);
const rooms = new Map(); // chatId → { seq, members: Set<WebSocket> }

const http = createServer((req, res) => {
  // Health for the bench's start-up wait, like LotusDesk's /healthz.
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', connections: wss.clients.size }));
});
const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: 64 * 1024 });

wss.on('connection', (socket) => {
  let user = null;
  const joined = [];
  socket.on('message', (data) => {
    let frame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      socket.send('{"type":"error","code":"invalid","message":"not JSON"}');
      return;
    }
    if (!user) {
      if (frame.type !== 'hello' || typeof frame.token !== 'string') return socket.close(4401, 'unauthenticated');
      user = frame.token;
      for (const chatId of Object.keys(frame.resume ?? {})) {
        let room = rooms.get(chatId);
        if (!room) rooms.set(chatId, (room = { seq: 0, members: new Set() }));
        room.members.add(socket);
        joined.push(room);
      }
      socket.send(JSON.stringify({ type: 'welcome', userId: user, role: 'member' }));
      return;
    }
    if (frame.type === 'send') {
      const room = rooms.get(frame.chatId);
      if (!room) return socket.send(JSON.stringify({ type: 'error', id: frame.id, code: 'not_found', message: 'no such chat' }));
      const seq = ++room.seq;
      const createdAt = new Date().toISOString();
      const messageId = randomUUID();
      socket.send(JSON.stringify({ type: 'ack', id: frame.id, chatId: frame.chatId, messageId, seq, createdAt }));
      const out = JSON.stringify({
        type: 'message',
        message: { id: messageId, chatId: frame.chatId, seq, senderId: user, senderRole: 'member', senderName: user, kind: 'text', text: frame.text, attachments: [], createdAt },
      });
      for (const peer of room.members) if (peer.readyState === 1) peer.send(out);
    } else if (frame.type === 'ping') {
      socket.send(JSON.stringify({ type: 'pong', id: frame.id }));
    }
  });
  socket.on('close', () => {
    for (const room of joined) room.members.delete(socket);
  });
  socket.on('error', () => {});
});

http.listen(port, '127.0.0.1', () => {
  console.log(`ws-relay listening on ${http.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
