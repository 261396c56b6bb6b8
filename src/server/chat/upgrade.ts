/**
 * Lets go of what the HTTP upgrade left behind. @fastify/websocket keeps the upgrade request, a
 * stand-in response assigned to the socket, the handshake's head buffer and (through its socket
 * error listener) Fastify's request, reply and child logger reachable for the connection's whole
 * life: several kB per idle connection, none of it used after the handshake. Idle connections per
 * byte of heap matter (see docs/decisions/005), so the gateway cuts those references once it owns
 * the socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

type UpgradedSocket = Socket & { _httpMessage?: ServerResponse | null };

/** Detaches the stand-in response, forgets the head buffer and drops the plugin's error listener. */
export function releaseUpgrade(socket: WebSocket, raw: IncomingMessage): void {
  const net = (socket as unknown as { _socket?: UpgradedSocket })._socket;
  const response = net?._httpMessage;
  if (net && response) response.detachSocket(net);
  // The plugin's symbols on the raw request: the socket (kept by ws anyway) and the head buffer,
  // which is a slice that pins the whole first read of the socket.
  for (const key of Object.getOwnPropertySymbols(raw)) {
    if (key.description?.startsWith('ws')) delete (raw as unknown as Record<symbol, unknown>)[key];
  }
  // Its error listener closes over the request and reply; the gateway adds its own.
  socket.removeAllListeners('error');
}
