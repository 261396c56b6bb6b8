/** Reading a process's figures from /proc (Linux): CPU time and the open-files limit. */
import { readFileSync } from 'node:fs';

const TICKS_PER_SEC = 100; // USER_HZ on Linux

/** User + system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces) start at ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
  } catch {
    return 0;
  }
}

/** This process's soft limit on open files (children inherit it). */
export function openFilesLimit(): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

/**
 * A thread's time on a CPU and its time runnable but waiting for one, in seconds so far, from
 * /proc/<pid>/task/<tid>/schedstat (the scheduler's own accounting; the main thread's id is the
 * process id). On a machine whose cores are shared by the server, the database and the load
 * generator, the wait is latency no server code can remove. Null where the kernel does not say.
 */
export function schedOf(pid: number, tid = pid): { runSec: number; waitSec: number } | null {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? { runSec: run / 1e9, waitSec: wait / 1e9 } : null;
  } catch {
    return null;
  }
}

/** The whole machine's idle CPU seconds so far (idle + iowait, summed over cores), from /proc/stat. */
export function machineIdleSeconds(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return (fields[3] + fields[4]) / TICKS_PER_SEC;
  } catch {
    return NaN;
  }
}
