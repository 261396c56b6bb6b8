import { describe, expect, it } from 'vitest';
import { meritPoints, positiveTermsIn } from './merit';

describe('merit', () => {
  it.each([
    [{ minutes: 0, positiveTerms: [], verifiedQuotes: 0 }, 10],
    [{ minutes: 4, positiveTerms: [], verifiedQuotes: 0 }, 10],
    [{ minutes: 5, positiveTerms: [], verifiedQuotes: 0 }, 11],
    [{ minutes: 27, positiveTerms: ['感恩', '随喜'], verifiedQuotes: 1 }, 10 + 5 + 4 + 5],
  ])('10 + 1 per 5 minutes + 2 per positive term + 5 per verified quote: %j', (inputs, points) => {
    expect(meritPoints(inputs)).toBe(points);
  });

  it('counts positive terms in either script without double counting overlaps', () => {
    expect(positiveTermsIn('感恩師父，隨喜功德，阿弥陀佛').sort()).toEqual(['感恩', '阿弥陀佛', '随喜功德'].sort());
    expect(positiveTermsIn('謝謝謝謝')).toHaveLength(2);
    expect(positiveTermsIn('請問何時出貨')).toEqual([]);
  });
});
