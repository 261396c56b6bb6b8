import { describe, expect, it } from 'vitest';
import { machineIdleSeconds, schedOf } from './proc';

describe('scheduler accounting', () => {
  it('counts a busy thread\'s time on a CPU, and its wait only as time spent runnable', () => {
    const before = schedOf(process.pid)!;
    expect(before).not.toBeNull();
    const until = performance.now() + 200;
    let spins = 0;
    while (performance.now() < until) spins++;
    const after = schedOf(process.pid)!;
    const ran = after.runSec - before.runSec;
    const waited = after.waitSec - before.waitSec;
    // 200 ms of spinning: on a CPU for most of it, and never more than the wall time in all.
    expect(spins).toBeGreaterThan(0);
    expect(ran).toBeGreaterThan(0.05);
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(ran + waited).toBeLessThan(0.5);
  });

  it('reads nothing for a thread that does not exist', () => {
    expect(schedOf(process.pid, 2 ** 30)).toBeNull();
  });

  it('reads the machine\'s idle time as a growing count', async () => {
    const a = machineIdleSeconds();
    await new Promise((r) => setTimeout(r, 300)); // time passing is the subject
    const b = machineIdleSeconds();
    expect(Number.isFinite(a)).toBe(true);
    expect(b).toBeGreaterThanOrEqual(a);
  });
});
