/**
 * Webhooks may not reach into LotusDesk's own network (loopback, private, link-local, CGNAT,
 * multicast, reserved; IPv4-mapped IPv6 judged as IPv4) unless LOTUSDESK_WEBHOOK_ALLOW_PRIVATE=1.
 * The check is made twice: on the resolved host when an endpoint is saved (a clear 400), and on
 * the address each delivery actually connects to (the HTTP request's own `lookup`), so a DNS
 * answer that changes after the check cannot turn a webhook against an internal service.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** True when an IP address is public unicast. */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  // process() turns ::ffff:10.0.0.1 into 10.0.0.1, so a mapped private address is judged as such.
  return ipaddr.process(ip).range() === 'unicast';
}

/** Raised when a target resolves to an address webhooks may not reach. */
export class PrivateAddressError extends Error {
  readonly code = 'private_address';
  constructor(readonly address: string) {
    super(`refused to connect to a private address (${address})`);
  }
}

/** The host of a URL as a resolver takes it (IPv6 literals lose their brackets). */
function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Resolves a URL's host; rejects with PrivateAddressError when any address is not public. */
export async function assertPublicTarget(url: URL): Promise<void> {
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : (await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (err, a) => (err ? reject(err) : resolve(a))))).map((a) => a.address);
  const refused = addresses.find((a) => !isPublicAddress(a));
  if (refused !== undefined) throw new PrivateAddressError(refused);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that hands the socket only public addresses: the address checked
 * is the address connected to.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(new PrivateAddressError(refused.address) as unknown as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
