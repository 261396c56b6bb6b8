#!/usr/bin/env node
// `npm start`: build the web app when its sources are newer than the build, then run the server.
// Kept in plain JavaScript so it runs before anything is compiled.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_ENTRY, SERVER_NODE_ARGS } from './server-args.mjs';

const root = new URL('..', import.meta.url).pathname;
const webSrc = join(root, 'src/web');
const webOut = join(root, 'dist/web/index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const hasWeb = existsSync(join(webSrc, 'index.html'));
if (hasWeb) {
  const stale = !existsSync(webOut) || Math.max(newestMtime(webSrc), existsSync(join(root, 'src/client')) ? newestMtime(join(root, 'src/client')) : 0) > statSync(webOut).mtimeMs;
  if (stale) {
    console.log('Building the web app…');
    const r = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

const child = spawn(process.execPath, [...SERVER_NODE_ARGS, join(root, SERVER_ENTRY)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
