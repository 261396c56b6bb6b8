import { describe, expect, it } from 'vitest';
import { closeEnough, splitKeywords } from './dharmaApi';

describe('reply rule keywords', () => {
  it('split on commas of either width, the enumeration comma, semicolons and new lines, without blanks or repeats', () => {
    expect(splitKeywords('煩惱、憂心, 烦恼，病痛；生病\n 煩惱 ,,')).toEqual(['煩惱', '憂心', '烦恼', '病痛', '生病']);
    expect(splitKeywords(' 、 ,')).toEqual([]);
  });
});

describe('offering the authentic words in place of a misquote', () => {
  it('only when the passage is a few characters off, counting letters and not punctuation', () => {
    expect(closeEnough('照見五蘊皆空，度一切煩惱', 2)).toBe(true);
    expect(closeEnough('地獄不空，誓不成佛', 6)).toBe(false);
    expect(closeEnough('地獄不空，誓不成佛', 2)).toBe(true); // short quotes still allow two
    expect(closeEnough('「，。」色即是空', 3)).toBe(false); // 4 letters: punctuation does not widen the margin
    expect(closeEnough('色不異空空不異色色即是空空即是色', 5)).toBe(true);
    expect(closeEnough('色不異空空不異色色即是空空即是色', 6)).toBe(false);
  });
  it('never without a distance', () => {
    expect(closeEnough('照見五蘊皆空', undefined)).toBe(false);
    expect(closeEnough('照見五蘊皆空', null)).toBe(false);
  });
});
