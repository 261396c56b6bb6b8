/**
 * `npm run bench:tlog [-- --leaves N] [--batch N] [--proofs N] [--json]`: the transparency log at
 * scale. Appends N leaves (default 1,000,000; chat-attestation-sized JSON) through
 * TransparencyLog.append in batches, on the embedded database (PGlite in a temp directory) or on
 * PostgreSQL when DATABASE_URL is set; then times inclusion proofs for random leaves at the full
 * size, consistency proofs from random earlier sizes, and signing a head (root from stored nodes
 * plus the consistency check). Every timed proof is also verified (RFC 9162 verifiers), so a fast
 * wrong answer cannot pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../src/server/db/database';
import { loadAttestationKey } from '../../src/server/trust/keys';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/server/trust/merkle';
import { TransparencyLog } from '../../src/server/trust/tlog';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const LEAVES = arg('leaves', 1_000_000);
const BATCH = arg('batch', 10_000);
const PROOFS = arg('proofs', 2000);
const json = process.argv.includes('--json');

const leafOf = (i: number) => `{"chatId":"${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000","messages":[{"createdAt":"2026-01-01T00:00:00.000Z","seq":${i},"textSha256":"${'ab'.repeat(32)}"}]}`;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'lotusdesk-bench-tlog-'));
  const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL ?? null, dataDir: dir });
  const log = new TransparencyLog(handle.db, loadAttestationKey(null, dir), undefined, handle.prepared);
  const say = (s: string) => !json && process.stdout.write(s);
  try {
    const start = await log.size();
    say(`transparency log on ${handle.kind}: appending ${LEAVES.toLocaleString('en')} leaves in batches of ${BATCH.toLocaleString('en')}\n`);
    const t0 = performance.now();
    for (let done = 0; done < LEAVES; done += BATCH) {
      const n = Math.min(BATCH, LEAVES - done);
      await log.append(Array.from({ length: n }, (_, j) => ({ kind: 'bench', subject: null, leaf: leafOf(start + done + j) })));
      if (!json && (done / BATCH) % 10 === 0) say(`  ${(done + n).toLocaleString('en')} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    }
    const appendSeconds = (performance.now() - t0) / 1000;
    const size = await log.size();

    const t1 = performance.now();
    const { head } = await log.signHead();
    const signMs = performance.now() - t1;
    const root = Buffer.from(head.rootHash, 'hex');

    // Wall time, and this process's CPU time (PGlite runs in it): on a shared machine the wall
    // time's tail is mostly waiting for a core, which the CPU time leaves out.
    const inclusion: number[] = [];
    const inclusionCpu: number[] = [];
    for (let k = 0; k < PROOFS; k++) {
      const index = Math.floor(Math.random() * size);
      const a = performance.now();
      const c = process.cpuUsage();
      const p = await log.inclusion(index, size);
      inclusion.push(performance.now() - a);
      const used = process.cpuUsage(c);
      inclusionCpu.push((used.user + used.system) / 1000);
      if (!verifyInclusion(index, size, leafHash(Buffer.from(leafOf(index))), p.auditPath.map((h) => Buffer.from(h, 'hex')), root)) throw new Error(`inclusion proof of ${index} does not verify`);
    }
    const consistency: number[] = [];
    for (let k = 0; k < Math.min(PROOFS, 500); k++) {
      const first = 1 + Math.floor(Math.random() * (size - 1));
      const firstRoot = Buffer.from(await log.rootAt(first), 'hex');
      const a = performance.now();
      const proof = await log.consistency(first, size);
      consistency.push(performance.now() - a);
      if (!verifyConsistency(first, size, firstRoot, root, proof.map((h) => Buffer.from(h, 'hex')))) throw new Error(`consistency ${first}→${size} does not verify`);
    }
    inclusion.sort((x, y) => x - y);
    inclusionCpu.sort((x, y) => x - y);
    consistency.sort((x, y) => x - y);
    const result = {
      database: handle.kind,
      leaves: size,
      appendSeconds: Number(appendSeconds.toFixed(1)),
      appendPerSecond: Math.round(LEAVES / appendSeconds),
      signHeadMs: Number(signMs.toFixed(2)),
      inclusionMs: { n: inclusion.length, p50: Number(pct(inclusion, 50).toFixed(3)), p99: Number(pct(inclusion, 99).toFixed(3)), max: Number(inclusion.at(-1)!.toFixed(3)) },
      inclusionCpuMs: { p50: Number(pct(inclusionCpu, 50).toFixed(3)), p99: Number(pct(inclusionCpu, 99).toFixed(3)) },
      loadAverage: Number(loadavg()[0].toFixed(1)),
      cpus: cpus().length,
      consistencyMs: { n: consistency.length, p50: Number(pct(consistency, 50).toFixed(3)), p99: Number(pct(consistency, 99).toFixed(3)), max: Number(consistency.at(-1)!.toFixed(3)) },
    };
    if (json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      say(`appended ${size.toLocaleString('en')} leaves in ${result.appendSeconds} s (${result.appendPerSecond.toLocaleString('en')}/s)\n`);
      say(`signed head (root from stored nodes + consistency check): ${result.signHeadMs} ms\n`);
      say(`inclusion proof at ${size.toLocaleString('en')} leaves: p50 ${result.inclusionMs.p50} ms, p99 ${result.inclusionMs.p99} ms, max ${result.inclusionMs.max} ms (${result.inclusionMs.n} proofs, all verified)\n`);
      say(`  CPU time per inclusion proof: p50 ${result.inclusionCpuMs.p50} ms, p99 ${result.inclusionCpuMs.p99} ms (load average ${result.loadAverage} on ${result.cpus} CPUs)\n`);
      say(`consistency proof: p50 ${result.consistencyMs.p50} ms, p99 ${result.consistencyMs.p99} ms (${result.consistencyMs.n} proofs, all verified)\n`);
    }
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
