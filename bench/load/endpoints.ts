/**
 * Client endpoints over the three wire styles in the benchmark: LotusDesk's JSON frames over `ws`
 * (also spoken by the bare relay) and Socket.IO events with ack callbacks. Each endpoint is one
 * connection of one party; the load generator only sees send / ack / message / error.
 */
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';

export type Protocol = 'frames' | 'socketio';

export interface EndpointEvents {
  /** The sender's ack: its client message id and the stored message's id. */
  ack(id: string, messageId: string): void;
  /**
   * A delivered message, by the stored message's id (the text is not an identifier: content
   * checks may rewrite it, e.g. mask digits).
   */
  message(messageId: string): void;
  error(id: string | undefined, code: string): void;
  closed(code: number): void;
}

export interface Endpoint {
  send(id: string, chatId: string, text: string): void;
  close(): void;
}

export interface ConnectOptions {
  protocol: Protocol;
  /** ws://host:port/ws for frames; http://host:port for Socket.IO. */
  url: string;
  token: string;
  chatIds: string[];
  localAddress: string;
  events: EndpointEvents;
  timeoutMs?: number;
}

/** Opens a connection, says hello, and resolves once the server welcomed it. */
export function connect(opts: ConnectOptions): Promise<Endpoint> {
  return opts.protocol === 'socketio' ? connectSocketIo(opts) : connectFrames(opts);
}

function connectFrames(opts: ConnectOptions): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    // No per-message deflate: LotusDesk, the relay and the Socket.IO peer all run without it.
    const ws = new WebSocket(opts.url, { localAddress: opts.localAddress, perMessageDeflate: false });
    let welcomed = false;
    const timer = setTimeout(() => {
      if (!welcomed) {
        ws.terminate();
        reject(new Error('no welcome in time'));
      }
    }, opts.timeoutMs ?? 30_000);
    const endpoint: Endpoint = {
      send: (id, chatId, text) => ws.send(JSON.stringify({ type: 'send', id, chatId, text })),
      close: () => ws.close(),
    };
    ws.on('open', () => {
      const resume: Record<string, number> = {};
      for (const c of opts.chatIds) resume[c] = 0;
      ws.send(JSON.stringify({ type: 'hello', token: opts.token, resume }));
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      switch (frame.type) {
        case 'welcome':
          welcomed = true;
          clearTimeout(timer);
          resolve(endpoint);
          return;
        case 'ack':
          return opts.events.ack(frame.id, frame.messageId);
        case 'message':
          return opts.events.message(frame.message.id);
        case 'error':
          if (!welcomed) return reject(new Error(`refused: ${frame.code}`));
          return opts.events.error(frame.id, frame.code);
      }
    });
    ws.on('error', (err) => {
      if (!welcomed) {
        clearTimeout(timer);
        reject(err);
      }
    });
    ws.on('close', (code) => {
      if (!welcomed) {
        clearTimeout(timer);
        reject(new Error(`closed ${code} before welcome`));
      } else opts.events.closed(code);
    });
  });
}

function connectSocketIo(opts: ConnectOptions): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(opts.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: opts.timeoutMs ?? 30_000,
      localAddress: opts.localAddress,
    } as Parameters<typeof io>[1]);
    const endpoint: Endpoint = {
      send: (id, chatId, text) =>
        socket.emit('send', { id, chatId, text }, (res: { type: string; id: string; messageId: string; code?: string }) => {
          if (res.type === 'ack') opts.events.ack(res.id, res.messageId);
          else opts.events.error(res.id, res.code ?? 'internal');
        }),
      close: () => socket.close(),
    };
    socket.on('connect', () => {
      socket.emit('hello', { token: opts.token, chats: opts.chatIds }, () => resolve(endpoint));
    });
    socket.on('connect_error', (err) => reject(err));
    socket.on('message', (m: { id: string }) => opts.events.message(m.id));
    socket.on('disconnect', () => opts.events.closed(1006));
  });
}
