/**
 * One webhook attempt: `POST url` with the event object as body, signed
 * `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. Any 2xx is delivered; anything else,
 * a network error or no answer within the timeout is a failed attempt. Redirects are not followed
 * (a redirect could point anywhere, the address check included).
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isPublicAddress, PrivateAddressError, publicOnlyLookup } from './address';

/** The signature header's value for a body sent at `timestamp` (Unix seconds). */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface Attempt {
  url: string;
  secret: string;
  eventId: string;
  type: string;
  /** The raw body, byte for byte what is signed. */
  body: string;
}

export type AttemptResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** Sends one attempt; never throws. */
export function sendAttempt(a: Attempt, opts: { timeoutMs: number; allowPrivate: boolean }): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(a.url);
    } catch {
      return resolve({ ok: false, status: null, error: 'bad_url' });
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    // The socket skips `lookup` for an IP literal, so a literal is checked here.
    if (!opts.allowPrivate && isIP(host) && !isPublicAddress(host)) return resolve({ ok: false, status: null, error: 'private_address' });
    const timestamp = Math.floor(Date.now() / 1000);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const done = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = send(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(a.body),
        'user-agent': 'LotusDesk-Webhooks/1',
        'x-lotusdesk-event': a.type,
        'x-lotusdesk-delivery': a.eventId,
        'x-lotusdesk-timestamp': String(timestamp),
        'x-lotusdesk-signature': signature(a.secret, timestamp, a.body),
      },
      ...(opts.allowPrivate ? {} : { lookup: publicOnlyLookup }),
    }, (res) => {
      const status = res.statusCode ?? 0;
      // The answer's body is not read: drain it so the socket is freed.
      res.resume();
      res.on('error', () => {});
      done(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `HTTP ${status}` });
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, status: null, error: 'timeout' });
    }, opts.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, status: null, error: err instanceof PrivateAddressError ? 'private_address' : (err.code ?? err.message) }));
    req.end(a.body);
  });
}
