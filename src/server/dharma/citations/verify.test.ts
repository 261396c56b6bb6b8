import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_DATA_DIR } from '../paths';
import { readShippedSutras } from './catalog';
import { SEED_COMPASSION, SEED_RULES } from '../auto-replies';
import { CitationVerifier, isFailing, isUnverified, MAX_VERIFIED_CITATIONS, nearLimit } from './verify';

let v: CitationVerifier;
beforeAll(() => {
  v = new CitationVerifier(readShippedSutras(join(SHIPPED_DATA_DIR, 'sutras')));
});
const one = (text: string) => {
  const r = v.verifyText(text);
  expect(r, text).toHaveLength(1);
  return r[0];
};

describe('citation detection', () => {
  it.each([
    ['《心經》云：「色即是空」', '心經', '色即是空'],
    ['心經說：「色即是空，空即是色」', '心經', '色即是空，空即是色'],
    ['心经说：色即是空，空即是色。', '心经', '色即是空，空即是色'],
    ['金剛經有云：凡所有相，皆是虛妄。', '金剛經', '凡所有相，皆是虛妄'],
    ['「應無所住而生其心」出自《金剛經》', '金剛經', '應無所住而生其心'],
    ['《六祖壇經》曰：“菩提本無樹”', '六祖壇經', '菩提本無樹'],
    ['彌陀經中說「從是西方過十萬億佛土」', '彌陀經', '從是西方過十萬億佛土'],
    ['《楞嚴經》云：「狂心頓歇，歇即菩提」', '楞嚴經', '狂心頓歇，歇即菩提'],
  ])('finds %s', (text, name, quote) => {
    const [d] = v.detector.detect(text);
    expect(d).toMatchObject({ name, quote });
  });

  it.each(['心經說的是空性的道理', '我每天念心經', '金剛經多少錢一本？', '請問大悲咒的法本有賣嗎'])('does not take talk about a sutra for a quote: %s', (text) => {
    expect(v.detector.detect(text)).toEqual([]);
  });
});

describe('citation verification', () => {
  it.each([
    ['Heart Sutra, Traditional', '《心經》云：「無罣礙故，無有恐怖，遠離顛倒夢想」', 'T0251'],
    ['Heart Sutra, Simplified', '《心经》云：「无挂碍故，无有恐怖，远离颠倒梦想」', 'T0251'],
    ['mantra, popular reading 揭諦/波羅/薩婆訶', '心經云：「揭諦揭諦，波羅揭諦，波羅僧揭諦，菩提薩婆訶」', 'T0251'],
    ['掛礙 for 罣礙', '《心經》云：「心無掛礙」', 'T0251'],
    ['Diamond Sutra', '《金剛經》云：「一切有為法，如夢幻泡影，如露亦如電，應作如是觀」', 'T0235'],
    ['Medicine Buddha Sutra', '《藥師經》云：「眾病逼切，無救無歸」', 'T0450'],
    ['Amitabha Sutra by its short name', '彌陀經云：「從是西方過十萬億佛土，有世界名曰極樂」', 'T0366'],
    ['Universal Gate chapter', '《普門品》云：「念彼觀音力」', 'T0262'],
    ['Platform Sutra, 台 for 臺', '《壇經》云：「菩提本無樹，明鏡亦非台」', 'T2008'],
    ['Great Compassion Dharani, 耶 for 㖿', '大悲咒：「南無喝囉怛那哆囉夜耶，南無阿唎耶」', 'T1060'],
    ['the dharani as recited today (埵/跢, 栗/利, 愣/㘄, 耶/㖿)', '大悲咒：「南無喝囉怛那．哆囉夜耶。南無阿唎耶。婆盧羯帝．爍缽囉耶。菩提薩埵婆耶。摩訶薩埵婆耶。摩訶迦盧尼迦耶。唵。薩皤囉罰曳。數怛那怛寫。南無悉吉栗埵．伊蒙阿唎耶。婆盧吉帝．室佛囉愣馱婆。」', 'T1060'],
    ['omission marked by an ellipsis', '《金剛經》云：「一切有為法……應作如是觀」', 'T0235'],
  ])('accepts an authentic quote: %s', (_n, text, taisho) => {
    const r = one(text);
    expect(r.status, JSON.stringify(r)).toBe('exact');
    expect(r.sutra?.taisho).toBe(taisho);
    expect(r.passage).toBeTruthy();
  });

  it('tells a near quote (a character off) from an exact one and shows the authentic words', () => {
    const r = one('《金剛經》云：「一切有為法，如夢幻泡影，如露亦如雷，應作如是觀」');
    expect(r.status).toBe('near');
    expect(r.distance).toBe(1);
    expect(r.passage).toContain('如露亦如電');
  });

  it.each([
    ['the popular misattribution', '《地藏經》云：「地獄不空，誓不成佛」', 'T0412'],
    ['invented words', '《心經》云：「色即是有，空即是無，一切皆實」', 'T0251'],
    ['a garbled Diamond Sutra line', '金剛經有云：「凡所有相皆是真實，若見諸相即是如來」', 'T0235'],
    ['Simplified misquote', '《地藏经》云：「地狱不空，誓不成佛」', 'T0412'],
  ])('rejects a misquote: %s', (_n, text, taisho) => {
    const r = one(text);
    expect(r.status).toBe('misquote');
    expect(r.sutra?.taisho).toBe(taisho);
    expect(r.distance).toBeGreaterThan(nearLimit([...r.quote].length));
    expect(r.passage?.length).toBeGreaterThan(2);
  });

  it('recognises authentic words attributed to the wrong sutra', () => {
    const r = one('《心經》云：「應無所住而生其心」');
    expect(r.status).toBe('misattributed');
    expect(r.foundIn?.taisho).toBe('T0235');
  });

  it.each([
    ['a sutra outside the corpus', '《楞嚴經》云：「狂心頓歇，歇即菩提」', 'unknown_sutra'],
    ['an unknown title in brackets', '《佛說無名經》云：「此經不在語料之中」', 'unknown_sutra'],
    ['a part of the Lotus Sutra the corpus does not hold', '《法華經》云：「諸法從本來，常自寂滅相」', 'not_in_corpus'],
    ['too short to judge', '《心經》云：「空」', 'too_short'],
  ])('never fails %s', (_n, text, status) => {
    expect(one(text).status).toBe(status);
  });
});

describe('shipped automatic replies', () => {
  it.each([...SEED_RULES.map((r) => r.reply), ...SEED_COMPASSION])('quote only what the sutras say: %s', (text) => {
    const results = v.verifyText(text);
    expect(results.filter(isFailing)).toEqual([]);
    if (text.includes('「')) expect(results.map((r) => r.status)).toContain('exact');
  });
});

describe('work per message is bounded', () => {
  const quotes = ['色即是空', '空即是色', '受想行識亦復如是', '不生不滅', '不垢不淨', '不增不減', '無眼耳鼻舌身意', '無色聲香味觸法', '遠離顛倒夢想', '究竟涅槃', '心無罣礙', '色即是有'];

  it(`verifies the first ${MAX_VERIFIED_CITATIONS} distinct citations and marks the rest not checked`, () => {
    const text = quotes.map((q) => `《心經》云：「${q}」`).join('');
    const calls: string[] = [];
    const spy = new CitationVerifier(readShippedSutras(join(SHIPPED_DATA_DIR, 'sutras')));
    const verify = spy.verify.bind(spy);
    spy.verify = (c) => (calls.push(c.quote), verify(c));
    const r = spy.verifyText(text);
    expect(r).toHaveLength(quotes.length);
    expect(calls).toEqual(quotes.slice(0, MAX_VERIFIED_CITATIONS));
    expect(r.slice(0, MAX_VERIFIED_CITATIONS).map((x) => x.status)).toEqual(Array(MAX_VERIFIED_CITATIONS).fill('exact'));
    const rest = r.slice(MAX_VERIFIED_CITATIONS);
    expect(rest.map((x) => x.status)).toEqual(Array(quotes.length - MAX_VERIFIED_CITATIONS).fill('not_checked'));
    expect(rest.map((x) => x.quote)).toEqual(quotes.slice(MAX_VERIFIED_CITATIONS));
    // Not checked is marked for staff, but is not a misquote (never refused).
    expect(rest.every((x) => isUnverified(x) && !isFailing(x))).toBe(true);
  });

  it('verifies identical citations once, also when written in the other script or punctuated differently', () => {
    const text = '《心經》云：「色即是空，空即是色」'.repeat(300) + '《心经》云：「色即是空空即是色」' + '《心經》云：「色即是有，空即是無，一切皆實」';
    const r = v.verifyText(text);
    expect(r.map((x) => x.status)).toEqual(['exact', 'misquote']);
  });

  it('verifies the first citations before duplicates push the bound', () => {
    const text = '《心經》云：「色即是空」'.repeat(50) + '《心經》云：「色即是有，空即是無，一切皆實」';
    expect(v.verifyText(text).map((x) => x.status)).toEqual(['exact', 'misquote']);
  });
});
