/**
 * What most teams would write: Socket.IO + node-postgres, one INSERT per message, then emit to
 * the chat's room, and the sender's acknowledgement through Socket.IO's ack callback. Same job as
 * the scenario asks of LotusDesk (persist, then deliver to both parties), done the usual way.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pool.on('error', () => {});

await pool.query(`CREATE TABLE IF NOT EXISTS messages (
  id bigserial PRIMARY KEY,
  chat_id text NOT NULL,
  sender_id text NOT NULL,
  client_id text NOT NULL,
  content text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`);
await pool.query('CREATE INDEX IF NOT EXISTS messages_chat ON messages (chat_id, id)');

const http = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  }
});
const io = new Server(http, { transports: ['websocket'], serveClient: false });

io.on('connection', (socket) => {
  let user = null;
  socket.on('hello', (hello, ack) => {
    user = String(hello?.token ?? '');
    for (const chatId of hello?.chats ?? []) socket.join(chatId);
    if (typeof ack === 'function') ack({ type: 'welcome', userId: user });
  });
  socket.on('send', async (frame, ack) => {
    if (!user || typeof ack !== 'function') return;
    try {
      const { rows } = await pool.query(
        'INSERT INTO messages (chat_id, sender_id, client_id, content) VALUES ($1, $2, $3, $4) RETURNING id, created_at',
        [frame.chatId, user, frame.id, frame.text],
      );
      const message = { id: String(rows[0].id), chatId: frame.chatId, senderId: user, text: frame.text, createdAt: rows[0].created_at };
      io.to(frame.chatId).emit('message', message);
      ack({ type: 'ack', id: frame.id, chatId: frame.chatId, messageId: message.id });
    } catch (err) {
      ack({ type: 'error', id: frame.id, code: 'internal', message: String(err) });
    }
  });
});

http.listen(port, '127.0.0.1', () => {
  console.log(`socketio-pg listening on ${http.address().port}`);
});
process.on('SIGTERM', () => void pool.end().finally(() => process.exit(0)));
