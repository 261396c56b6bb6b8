import { describe, expect, it } from 'vitest';
import { conversationMinutes, meritParts, meritPoints, partsTotal, positiveTermsIn } from './merit';

describe('merit', () => {
  it.each([
    [{ minutes: 0, positiveTerms: [], verifiedQuotes: 0 }, 10],
    [{ minutes: 4, positiveTerms: [], verifiedQuotes: 0 }, 10],
    [{ minutes: 5, positiveTerms: [], verifiedQuotes: 0 }, 11],
    [{ minutes: 9, positiveTerms: [], verifiedQuotes: 0 }, 11],
    [{ minutes: 10, positiveTerms: [], verifiedQuotes: 0 }, 12],
    [{ minutes: 27, positiveTerms: ['感恩', '随喜'], verifiedQuotes: 1 }, 10 + 5 + 4 + 5],
    [{ minutes: 60, positiveTerms: ['感恩', '感恩', '感恩'], verifiedQuotes: 3 }, 10 + 12 + 6 + 15],
  ])('10 + minutes // 5 + 2 × positive words + 5 × sutra quotes: %j', (inputs, points) => {
    expect(meritPoints(inputs)).toBe(points);
  });

  it('keeps every part of the sum, and the parts add up to the points', () => {
    const parts = meritParts({ minutes: 27, positiveTerms: ['感恩', '随喜'], verifiedQuotes: 1 });
    expect(parts).toEqual({ base: 10, minutes: 27, minutePoints: 5, positiveWords: 2, positivePoints: 4, sutraQuotes: 1, quotePoints: 5 });
    expect(partsTotal(parts)).toBe(24);
  });

  it('counts conversation minutes from the first staff answer to the close, never queue time', () => {
    const opened = new Date('2025-01-01T10:00:00Z');
    const answered = new Date(opened.getTime() + 40 * 60_000); // 40 minutes waiting in the queue
    const closed = new Date(answered.getTime() + 12 * 60_000 + 59_000);
    expect(conversationMinutes(answered, closed)).toBe(12);
    expect(meritPoints({ minutes: conversationMinutes(answered, closed), positiveTerms: [], verifiedQuotes: 0 })).toBe(12);
    // Nobody answered: waiting is not conversation.
    expect(conversationMinutes(null, closed)).toBe(0);
    // A clock that disagrees never gives negative minutes.
    expect(conversationMinutes(closed, answered)).toBe(0);
  });

  it('counts positive terms in either script without double counting overlaps', () => {
    expect(positiveTermsIn('感恩師父，隨喜功德，阿弥陀佛').sort()).toEqual(['感恩', '阿弥陀佛', '随喜功德'].sort());
    expect(positiveTermsIn('謝謝謝謝')).toHaveLength(2);
    expect(positiveTermsIn('請問何時出貨')).toEqual([]);
  });
});
