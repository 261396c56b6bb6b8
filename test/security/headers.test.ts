/**
 * Security headers: every page has a Content-Security-Policy that forbids framing, nosniff and a
 * Referrer-Policy; /embed may be framed only by this server's own origin (/embed-demo.html) and the
 * shop's origins (LOTUSDESK_EMBED_ORIGINS), which the widget reads from /api/embed/config to address
 * and check its messages. /api/docs keeps working under the policy.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config/config';
import { api, startServer, type TestServer } from '../helpers/server';

const SHOPS = 'https://shop.example, https://www.shop.example:8443/';

/** The directives of a CSP header, by name. */
function directives(csp: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

async function get(server: TestServer, path: string, headers: Record<string, string> = {}) {
  return fetch(server.url + path, { headers });
}

describe('security headers (embedded default: no LOTUSDESK_EMBED_ORIGINS)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('pages forbid framing, sniffing and cross-site script; the policy names what the app needs', async () => {
    for (const path of ['/', '/desk', '/supervisor', '/dashboard', '/member', '/embed-demo.html']) {
      const res = await get(server, path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
      expect(csp.get('default-src'), path).toEqual(["'self'"]);
      expect(csp.get('script-src'), path).toEqual(["'self'"]);
      expect(csp.get('object-src'), path).toEqual(["'none'"]);
      expect(csp.get('base-uri'), path).toEqual(["'self'"]);
      expect(csp.get('connect-src'), path).toContain("'self'");
    }
  });

  it('API answers carry nosniff and the referrer policy too', async () => {
    const member = await server.user('member');
    for (const res of [await api(server, 'GET', '/api/chats', member.token), await api(server, 'GET', '/api/nope'), await api(server, 'GET', '/healthz')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('/embed may be framed by this server only; the widget learns that from /api/embed/config', async () => {
    for (const path of ['/embed', '/embed?lang=en', '/embed/']) {
      const res = await get(server, path);
      expect(res.status).toBe(200);
      expect(directives(res.headers.get('content-security-policy')).get('frame-ancestors'), path).toEqual(["'self'"]);
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // A path that merely starts with "embed" is an ordinary page.
    expect(directives((await get(server, '/embedded')).headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'none'"]);
    const config = await api(server, 'GET', '/api/embed/config');
    expect(config.status).toBe(200);
    expect(config.body).toEqual({ parentOrigins: [] });
  });

  it('an uploaded file keeps its own stricter sandbox policy', async () => {
    const member = await server.user('member');
    const form = new FormData();
    form.append('file', new Blob([new TextEncoder().encode('南無阿彌陀佛\n')], { type: 'text/plain' }), 'note.txt');
    const up = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${member.token}` }, body: form });
    expect(up.status).toBe(201);
    const { attachment } = (await up.json()) as { attachment: { id: string } };
    const file = await get(server, `/api/uploads/${attachment.id}`, { authorization: `Bearer ${member.token}` });
    expect(file.status).toBe(200);
    const csp = directives(file.headers.get('content-security-policy'));
    expect(csp.get('sandbox')).toEqual([]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('/api/docs (swagger-ui) and its scripts load, same-origin, under the policy', async () => {
    const page = await get(server, '/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    const csp = directives(page.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    // Every script and style the page names is a same-origin file (no inline script), and loads.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    for (const [, src] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      const res = await fetch(new URL(src!, page.url));
      expect(res.status, src).toBe(200);
    }
    expect((await get(server, '/api/docs/json')).status).toBe(200);
  });

  it('the built web app has no inline script the policy would block', () => {
    const root = join(__dirname, '../../dist/web');
    const pages = readdirSync(root).filter((f) => f.endsWith('.html') && statSync(join(root, f)).isFile());
    expect(pages).toEqual(expect.arrayContaining(['index.html', 'embed-demo.html']));
    for (const f of pages) expect(readFileSync(join(root, f), 'utf8'), f).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("the widget's sources never post to '*'", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(tsx?|html|js)$/.test(e.name)) files.push(p);
      }
    };
    walk(join(__dirname, '../../src/web'));
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toMatch(/postMessage\([^;]*,\s*['"]\*['"]\s*\)/);
  });
});

describe('security headers with LOTUSDESK_EMBED_ORIGINS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { LOTUSDESK_EMBED_ORIGINS: SHOPS } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("/embed lists the shop's origins; other pages stay unframeable", async () => {
    const embed = await get(server, '/embed');
    expect(directives(embed.headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'self'", 'https://shop.example', 'https://www.shop.example:8443']);
    // X-Frame-Options cannot name several origins: frame-ancestors decides (browsers prefer it).
    expect(embed.headers.get('x-frame-options')).toBeNull();
    expect(directives((await get(server, '/desk')).headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'none'"]);
    expect((await api(server, 'GET', '/api/embed/config')).body).toEqual({ parentOrigins: ['https://shop.example', 'https://www.shop.example:8443'] });
  });

  it('refuses origins that are not origins at start', () => {
    for (const bad of ['*', 'shop.example', 'https://shop.example/path', 'javascript:alert(1)', "https://shop.example 'unsafe-inline'", 'https://a@shop.example', 'ftp://shop.example']) {
      expect(() => loadConfig({ LOTUSDESK_EMBED_ORIGINS: bad }), bad).toThrow(/LOTUSDESK_EMBED_ORIGINS/);
    }
    expect(loadConfig({ LOTUSDESK_EMBED_ORIGINS: 'http://localhost:8080' }).embedOrigins).toEqual(['http://localhost:8080']);
  });
});
