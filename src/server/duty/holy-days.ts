/**
 * Buddhist holy days from the Chinese lunar calendar (lunar-typescript): the 1st and 15th of every
 * lunar month (齋日, leap months included) and the festivals of an editable list, observed in the
 * regular month only. A festival on the 30th falls on the 29th when the month is short (小月), so
 * 地藏菩薩聖誕 is kept every year. Dates are desk-time calendar days (YYYY-MM-DD).
 */
import type { HolyDayDto } from '../../shared/duty';
import { LunarMonth, Solar } from 'lunar-typescript';

/** A festival of the list: a lunar month (1-12) and day (1-30) with its name. */
export interface FestivalRule {
  lunarMonth: number;
  lunarDay: number;
  name: string;
}

/** One holy day of the calendar (the wire shape of GET /api/calendar/holy-days). */
export type HolyDay = HolyDayDto;

/** The festivals the desk starts with (admins edit the list). */
export const DEFAULT_FESTIVALS: readonly FestivalRule[] = [
  { lunarMonth: 1, lunarDay: 1, name: '彌勒菩薩聖誕' },
  { lunarMonth: 2, lunarDay: 8, name: '釋迦牟尼佛出家日' },
  { lunarMonth: 2, lunarDay: 15, name: '釋迦牟尼佛涅槃日' },
  { lunarMonth: 2, lunarDay: 19, name: '觀世音菩薩聖誕' },
  { lunarMonth: 2, lunarDay: 21, name: '普賢菩薩聖誕' },
  { lunarMonth: 4, lunarDay: 4, name: '文殊菩薩聖誕' },
  { lunarMonth: 4, lunarDay: 8, name: '佛誕（浴佛節）' },
  { lunarMonth: 6, lunarDay: 19, name: '觀世音菩薩成道日' },
  { lunarMonth: 7, lunarDay: 13, name: '大勢至菩薩聖誕' },
  { lunarMonth: 7, lunarDay: 15, name: '盂蘭盆節（佛歡喜日）' },
  { lunarMonth: 7, lunarDay: 30, name: '地藏菩薩聖誕' },
  { lunarMonth: 9, lunarDay: 19, name: '觀世音菩薩出家日' },
  { lunarMonth: 9, lunarDay: 30, name: '藥師佛聖誕' },
  { lunarMonth: 11, lunarDay: 17, name: '阿彌陀佛聖誕' },
  { lunarMonth: 12, lunarDay: 8, name: '釋迦牟尼佛成道日（臘八）' },
];

export const FAST_NAMES: Record<number, string> = { 1: '朔日齋（初一）', 15: '望日齋（十五）' };

/** The longest range one request may ask for. */
export const MAX_RANGE_DAYS = 400;

const MONTHS = ['正', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];
const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** The lunar date written as a calendar would: 正月初一, 閏六月廿九, 十二月三十. */
export function lunarLabel(month: number, day: number, leap: boolean): string {
  let d: string;
  if (day <= 10) d = `初${DIGITS[day]}`;
  else if (day < 20) d = `十${DIGITS[day - 10]}`;
  else if (day === 20) d = '二十';
  else if (day < 30) d = `廿${DIGITS[day - 20]}`;
  else d = '三十';
  return `${leap ? '閏' : ''}${MONTHS[month - 1]}月${d}`;
}

/** True for a real calendar day written YYYY-MM-DD. */
export function isIsoDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Days from `from` to `to` inclusive (both YYYY-MM-DD); negative when `to` is earlier. */
export function daySpan(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400_000) + 1;
}

/** The holy days between two calendar days (inclusive), festivals before the fast of the same day. */
export function holyDays(from: string, to: string, festivals: readonly FestivalRule[] = DEFAULT_FESTIVALS): HolyDay[] {
  const byDate = new Map<string, FestivalRule[]>();
  for (const f of festivals) {
    const key = `${f.lunarMonth}/${f.lunarDay}`;
    byDate.set(key, [...(byDate.get(key) ?? []), f]);
  }
  const out: HolyDay[] = [];
  const monthDays = new Map<string, number>();
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += 86400_000) {
    const g = new Date(t);
    const lunar = Solar.fromYmd(g.getUTCFullYear(), g.getUTCMonth() + 1, g.getUTCDate()).getLunar();
    const signed = lunar.getMonth(); // negative in a leap month
    const month = Math.abs(signed);
    const leap = signed < 0;
    const day = lunar.getDay();
    const date = g.toISOString().slice(0, 10);
    const label = lunarLabel(month, day, leap);
    const base = { date, lunar: label, lunarMonth: month, lunarDay: day, leap };
    if (!leap) {
      const key = `${lunar.getYear()}/${signed}`;
      let length = monthDays.get(key);
      if (length === undefined) {
        length = LunarMonth.fromYm(lunar.getYear(), signed)?.getDayCount() ?? 30;
        monthDays.set(key, length);
      }
      const today = [...(byDate.get(`${month}/${day}`) ?? [])];
      // The last day of a short month also keeps the festivals of the 30th it does not have.
      if (day === length && length < 30) today.push(...(byDate.get(`${month}/30`) ?? []));
      for (const f of today) out.push({ ...base, name: f.name, kind: 'festival' });
    }
    if (FAST_NAMES[day]) out.push({ ...base, name: FAST_NAMES[day], kind: 'fast' });
  }
  return out;
}

// Building a formatter costs far more than using one: one of each per zone.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
const clockFormats = new Map<string, Intl.DateTimeFormat>();
function formatFor(cache: Map<string, Intl.DateTimeFormat>, timezone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(timezone);
  if (!f) cache.set(timezone, (f = make()));
  return f;
}

/** The calendar day (YYYY-MM-DD) in `timezone` at instant `at`. */
export function deskDay(at: Date, timezone: string): string {
  return formatFor(dayFormats, timezone, () => new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' })).format(at);
}

/** The instant a desk-time calendar day begins (midnight in `timezone`). */
export function deskDayStart(day: string, timezone: string): Date {
  const naive = Date.parse(`${day}T00:00:00Z`);
  // The zone's offset at a moment, from how that moment reads on the zone's clock.
  const offsetAt = (t: number) => {
    const format = formatFor(clockFormats, timezone, () => new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }));
    const parts = format.formatToParts(new Date(t));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - t;
  };
  let guess = naive - offsetAt(naive);
  guess = naive - offsetAt(guess); // once more across a change of offset
  return new Date(guess);
}

/** The day after a calendar day. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
}
