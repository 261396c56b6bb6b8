import { describe, expect, it } from 'vitest';
import { DEFAULT_FESTIVALS, deskDay, deskDayStart, holyDays, isIsoDay, lunarLabel } from './holy-days';

/** The lunar date of a Gregorian day by ICU's Chinese calendar: an implementation independent of lunar-typescript. */
const icu = new Intl.DateTimeFormat('en-u-ca-chinese', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
function icuLunar(date: string): { month: number; day: number; leap: boolean } {
  const parts = icu.formatToParts(new Date(`${date}T00:00:00Z`));
  const month = parts.find((p) => p.type === 'month')!.value;
  return { month: parseInt(month, 10), day: Number(parts.find((p) => p.type === 'day')!.value), leap: month.endsWith('bis') };
}
const named = (days: ReturnType<typeof holyDays>, part: string) => days.filter((d) => d.name.includes(part)).map((d) => d.date);

describe('holy days from the lunar calendar', () => {
  it('佛誕 falls on the days Hong Kong gazettes as the Birthday of the Buddha', () => {
    // Hong Kong general holidays, an official published list.
    const expected = { 2023: '2023-05-26', 2024: '2024-05-15', 2025: '2025-05-05', 2026: '2026-05-24' };
    for (const [year, date] of Object.entries(expected)) expect(named(holyDays(`${year}-01-01`, `${year}-12-31`), '佛誕')).toEqual([date]);
  });

  it('the festivals of 2026 on their Gregorian dates', () => {
    const days = holyDays('2026-01-01', '2026-12-31');
    expect(named(days, '觀世音菩薩')).toEqual(['2026-04-06', '2026-08-01', '2026-10-28']);
    expect(named(days, '盂蘭盆')).toEqual(['2026-08-27']);
    expect(named(days, '藥師')).toEqual(['2026-11-08']);
    // Two 阿彌陀 days fall in 2026: the 11th lunar month of 2025 and that of 2026.
    expect(named(days, '阿彌陀')).toEqual(['2026-01-05', '2026-12-25']);
    expect(named(days, '成道日（臘八）')).toEqual(['2026-01-26']);
    expect(named(days, '彌勒')).toEqual(['2026-02-17']); // Chinese New Year 2026
  });

  it('a festival on the 30th of a short month is kept on its last day', () => {
    // Lunar 7th month of 2026 has 29 days: 地藏 on 7/29 (2026-09-10), the next day is 8/1.
    const jizo2026 = holyDays('2026-01-01', '2026-12-31').filter((d) => d.name === '地藏菩薩聖誕');
    expect(jizo2026).toMatchObject([{ date: '2026-09-10', lunarMonth: 7, lunarDay: 29, lunar: '七月廿九' }]);
    expect(icuLunar('2026-09-10')).toEqual({ month: 7, day: 29, leap: false });
    expect(icuLunar('2026-09-11')).toEqual({ month: 8, day: 1, leap: false });
    // 2024's 9th month is short too: 藥師 on 9/29; 2025's 7th month has its 30th.
    expect(named(holyDays('2024-01-01', '2024-12-31'), '藥師')).toEqual(['2024-10-31']);
    expect(icuLunar('2024-11-01')).toEqual({ month: 10, day: 1, leap: false });
    expect(holyDays('2025-01-01', '2025-12-31').filter((d) => d.name === '地藏菩薩聖誕')).toMatchObject([{ date: '2025-09-21', lunarDay: 30 }]);
  });

  it('every holy day of 2023-2026 is the lunar date ICU gives, and none is missed', () => {
    // (ICU's model disagrees on 2027-02-06, whose new moon is minutes before Beijing midnight;
    // the Hong Kong Observatory and lunar-typescript both give it as the 1st: tested below.)
    const days = holyDays('2023-01-01', '2026-12-31');
    for (const d of days) {
      const ref = icuLunar(d.date);
      expect({ date: d.date, month: ref.month, leap: ref.leap }).toEqual({ date: d.date, month: d.lunarMonth, leap: d.leap });
      expect(ref.day).toBe(d.lunarDay);
    }
    // Every 1st and 15th by ICU is a fast day here (leap months included).
    const fasts = new Set(days.filter((d) => d.kind === 'fast').map((d) => d.date));
    for (let t = Date.parse('2023-01-01T00:00:00Z'); t <= Date.parse('2026-12-31T00:00:00Z'); t += 86400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      const { day } = icuLunar(date);
      expect(fasts.has(date)).toBe(day === 1 || day === 15);
    }
    // Each festival of the list once a year, leap months not doubling it (2025 has a leap 6th month).
    // Lunar years from New Year's Day to the eve of the next (Hong Kong's Lunar New Year holidays).
    const newYears = ['2023-01-22', '2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06'];
    for (let i = 0; i + 1 < newYears.length; i++) {
      const eve = new Date(Date.parse(`${newYears[i + 1]}T00:00:00Z`) - 86400_000).toISOString().slice(0, 10);
      const y = holyDays(newYears[i], eve).filter((d) => d.kind === 'festival');
      expect(y.map((d) => d.name).sort(), newYears[i]).toEqual(DEFAULT_FESTIVALS.map((f) => f.name).sort());
    }
    expect(holyDays('2025-07-25', '2025-08-23').filter((d) => d.kind === 'festival')).toEqual([]); // 閏六月
    expect(holyDays('2027-02-06', '2027-02-06')).toMatchObject([{ kind: 'festival', lunar: '正月初一' }, { kind: 'fast' }]);
    expect(holyDays('2025-07-25', '2025-07-25')).toMatchObject([{ kind: 'fast', lunar: '閏六月初一', leap: true }]);
  });

  it('an edited list is used; labels and desk-time helpers', () => {
    expect(holyDays('2026-05-01', '2026-05-31', [{ lunarMonth: 4, lunarDay: 15, name: '衛塞節' }]).filter((d) => d.kind === 'festival')).toMatchObject([{ date: '2026-05-31', name: '衛塞節' }]);
    expect(lunarLabel(1, 1, false)).toBe('正月初一');
    expect(lunarLabel(12, 20, false)).toBe('十二月二十');
    expect(lunarLabel(11, 17, false)).toBe('十一月十七');
    expect(isIsoDay('2026-02-30')).toBe(false);
    expect(isIsoDay('2026-02-28')).toBe(true);
    // 23:30 UTC on the 23rd is already the 24th in Taipei; its midnight is 16:00 UTC the day before.
    expect(deskDay(new Date('2026-05-23T23:30:00Z'), 'Asia/Taipei')).toBe('2026-05-24');
    expect(deskDayStart('2026-05-24', 'Asia/Taipei').toISOString()).toBe('2026-05-23T16:00:00.000Z');
    expect(deskDayStart('2026-07-01', 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(deskDayStart('2026-01-01', 'America/New_York').toISOString()).toBe('2026-01-01T05:00:00.000Z');
  });
});
