/** Distress detection in both scripts, with negation and colloquial exceptions. */
import { describe, expect, it } from 'vitest';
import { detectDistress } from './distress';

const yes = (t: string) => expect(detectDistress(t).distress, t).toBe(true);
const no = (t: string) => expect(detectDistress(t).distress, t).toBe(false);

describe('distress detection', () => {
  it('finds risk to life in Traditional and Simplified', () => {
    for (const t of ['我不想活了', '活不下去了', '有時候真的很想死', '我一直有輕生的念頭', '我想了結生命', '我想自殺', '我想自杀', '活不下去了，好累', '我已经写好遗书了', '想離開這個世界']) yes(t);
  });

  it('finds it in mixed script and spread out with spaces, and negation cues in either script', () => {
    for (const t of ['活着沒有意義', '活著没有意义', '我 想 自 殺', '真的撐不下去了', '真的撑不下去了', '我想離开这个世界']) yes(t);
    for (const t of ['我不会自殺的', '我絕不会輕生']) no(t);
  });

  it('respects negation in the same clause', () => {
    for (const t of ['我不會自殺的，放心', '我不会自杀的，放心', '我從來沒有想過自殺', '我沒有要輕生，只是想問法會時間', '雖然很累，但我不會想不開', '別擔心，我絕不會輕生']) no(t);
    const f = detectDistress('我不會自殺的，放心');
    expect(f.negated.length).toBe(1);
  });

  it('a negation in another clause does not cancel a later phrase', () => {
    yes('我不想自殺，可是真的活不下去了');
    yes('沒有人懂我。我想死');
  });

  it('ignores colloquial and prevention uses, and ordinary messages', () => {
    for (const t of ['好久不見，想死你了', '請問自殺防治的講座在哪裡？', '請問念珠什麼時候出貨？', '我媽媽往生了，請問怎麼助念', '笑死我了', '']) no(t);
  });
});
