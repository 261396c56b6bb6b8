/**
 * Summarizes a V8 CPU profile (.cpuprofile from `node --cpu-prof`): where the server's CPU time
 * went, by function (self time) and by package or source folder, so a missed target can name
 * its cause. Usage: node --import tsx bench/profile.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  topFunctions: Array<{ name: string; where: string; selfMs: number; share: number }>;
  byArea: Array<{ area: string; selfMs: number; share: number }>;
}

/** Where a script lives, coarsely: a package name, a src/ folder, or node internals. */
function areaOf(url: string, name: string): string {
  if (!url) return name === '(garbage collector)' ? 'gc' : name === '(idle)' ? 'idle' : name === '(program)' ? 'program' : 'native';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const src = /\/(src\/[^/]+\/[^/]+)\//.exec(url);
  if (src) return src[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url.replace(/^.*\//, '');
}

/** A server's CPU profile over a phase, summarized for the report. */
export interface ProfileDigest {
  server: string;
  /** The load it was taken under: a saturation phase, or the half-load rate (older runs: saturation). */
  phase?: 'saturation' | 'half load';
  /** Main-thread busy time per message acked in that phase, in microseconds. */
  busyUsPerMessage?: number;
  file: string;
  busyMs: number;
  byArea: ProfileSummary['byArea'];
  topFunctions: ProfileSummary['topFunctions'];
}

/** Reads a profile file and adds up self time per function and per area. */
export function summarizeProfile(file: string, top = 25): ProfileSummary {
  return summarizeProfileData(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, file, top);
}

/** Adds up self time per function and per area of a profile already in memory. */
export function summarizeProfileData(profile: CpuProfile, file: string, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fnTotals = new Map<string, { name: string; where: string; us: number }>();
  const areaTotals = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || '(anonymous)';
    total += us;
    if (name === '(idle)') idle += us;
    const where = url ? `${url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const f = fnTotals.get(key) ?? { name, where, us: 0 };
    f.us += us;
    fnTotals.set(key, f);
    const area = areaOf(url, name);
    areaTotals.set(area, (areaTotals.get(area) ?? 0) + us);
  }
  const busy = total - idle;
  const share = (us: number) => Math.round((us / busy) * 1000) / 10;
  return {
    file,
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    topFunctions: [...fnTotals.values()]
      .filter((f) => f.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: Math.round(f.us / 1000), share: share(f.us) })),
    byArea: [...areaTotals.entries()]
      .filter(([a]) => a !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), share: share(us) })),
  };
}

if (process.argv[1]?.endsWith('profile.ts') && process.argv[2]) {
  const s = summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25));
  console.log(`${s.file}: ${s.totalMs} ms sampled, ${s.idleMs} ms idle`);
  console.log('\nby area (share of busy time):');
  for (const a of s.byArea) console.log(`  ${String(a.share).padStart(5)}%  ${a.selfMs.toString().padStart(6)} ms  ${a.area}`);
  console.log('\nby function (self time):');
  for (const f of s.topFunctions) console.log(`  ${String(f.share).padStart(5)}%  ${f.selfMs.toString().padStart(6)} ms  ${f.name}  ${f.where}`);
}
