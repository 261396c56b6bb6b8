import { describe, expect, it } from 'vitest';
import { memoRecent } from './recent-memo';

describe('memoRecent', () => {
  it('computes a text once while it is recent, and forgets the oldest first', () => {
    const calls: string[] = [];
    const upper = memoRecent((t: string) => (calls.push(t), t.toUpperCase()), 2);
    expect(upper('a')).toBe('A');
    expect(upper('a')).toBe('A');
    expect(upper('b')).toBe('B');
    expect(calls).toEqual(['a', 'b']);
    upper('c'); // 'a' is the oldest and goes
    upper('b');
    upper('a');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
