/** Which addresses webhooks may reach: public unicast only (mapped IPv6 judged as the IPv4 inside). */
import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './address';
import { signature } from './sender';
import { createHmac } from 'node:crypto';

describe('isPublicAddress', () => {
  it('refuses loopback, private, link-local, CGNAT, unspecified, multicast, unique-local and mapped private addresses', () => {
    for (const ip of ['127.0.0.1', '127.9.9.9', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
  });
  it('accepts public unicast addresses', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '203.74.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isPublicAddress(ip), ip).toBe(true);
  });
});

describe('signature', () => {
  it('is v1= and the hex HMAC-SHA256 of timestamp "." body with the secret', () => {
    const body = '{"id":"e1","type":"chat.closed"}';
    expect(signature('whsec_abc', 1700000000, body)).toBe(`v1=${createHmac('sha256', 'whsec_abc').update(`1700000000.${body}`).digest('hex')}`);
    expect(signature('whsec_abc', 1700000001, body)).not.toBe(signature('whsec_abc', 1700000000, body));
  });
});
