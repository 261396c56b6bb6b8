/** Desk-time arithmetic: instants from wall-clock times in a zone, local days and weeks. */
import { describe, expect, it } from 'vitest';
import { addDays, dayOf, mondayOf, timeOf, weekDays, weekdayOf, zonedInstant } from './zone';

describe('desk time zone helpers', () => {
  it('turns a Taipei wall-clock time into the UTC instant (UTC+8, no DST)', () => {
    expect(zonedInstant('2026-11-25', '09:00', 'Asia/Taipei').toISOString()).toBe('2026-11-25T01:00:00.000Z');
    expect(zonedInstant('2026-11-25', '03:30', 'Asia/Taipei').toISOString()).toBe('2026-11-24T19:30:00.000Z');
  });

  it('follows daylight saving time on both sides of a change', () => {
    // New York: EST (UTC-5) until 2026-03-08 02:00, then EDT (UTC-4).
    expect(zonedInstant('2026-03-07', '12:00', 'America/New_York').toISOString()).toBe('2026-03-07T17:00:00.000Z');
    expect(zonedInstant('2026-03-09', '12:00', 'America/New_York').toISOString()).toBe('2026-03-09T16:00:00.000Z');
  });

  it('reads the local day and time of an instant, whatever the machine zone', () => {
    const late = new Date('2026-11-25T17:30:00Z');
    expect(dayOf(late, 'Asia/Taipei')).toBe('2026-11-26');
    expect(timeOf(late, 'Asia/Taipei')).toBe('01:30');
    expect(dayOf(late, 'UTC')).toBe('2026-11-25');
    expect(timeOf(new Date('2026-11-25T16:00:00Z'), 'Asia/Taipei')).toBe('00:00');
  });

  it('finds the Monday and the seven days of a week across month and year ends', () => {
    expect(weekdayOf('2026-11-25')).toBe(2); // a Wednesday
    expect(mondayOf('2026-11-25')).toBe('2026-11-23');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(weekDays('2026-12-28')).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03']);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
