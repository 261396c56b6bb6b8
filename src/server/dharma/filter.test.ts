import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readShippedSutras } from './citations/catalog';
import { decideFilter } from './filter';
import { normalizeText } from './normalize';
import { SHIPPED_DATA_DIR } from './paths';
import { TermMatcher } from './terms/matcher';
import { shippedMatcher } from './terms/shipped';

let matcher: TermMatcher;
const check = (text: string) => decideFilter(text, matcher.find(text));

beforeAll(() => {
  matcher = shippedMatcher().matcher;
}, 60_000);

describe('content filter over the shipped lists', () => {
  it.each([
    ['plain, Traditional', '代開發票，價格優惠', 'ads'],
    ['plain, Simplified', '代开发票，价格优惠', 'ads'],
    ['spaces', '代 開 發 票', 'ads'],
    ['zero-width', '冰\u200b毒', 'violence'],
    ['hyphen', '冰-毒', 'violence'],
    ['repeated characters', '冰冰毒毒', 'violence'],
    ['full width + mixed script', '代开發票', 'ads'],
    ['sexual', '一夜情', 'sexual'],
    ['not covered by the allow-list', '法輪功', 'violence'],
  ])('blocks an evasion: %s', (_name, text, category) => {
    const r = check(text);
    expect(r.blocked?.category, text).toBe(category);
  });

  it.each([
    '師父您好，請問下個月的法會什麼時候開始？',
    '法輪常轉，阿彌陀佛',
    '南無阿彌陀佛，感恩師父',
    '我是三寶弟子，想參加地藏法會',
    '祝您功德圓滿',
    '請問可以開發票嗎？需要身份證嗎？',
    '活佛和喇嘛是藏傳佛教的稱呼嗎？密宗的法器有哪些？',
    '佛法大法，真善美',
    '我要投訴你們客服，到貨太慢了',
    '請幫我改一下收件地址',
    '念佛、拜佛、供養三寶',
    '师父好，法会什么时候圆满？',
    '藏經閣的大藏經有賣嗎',
    '我的訂單號是 20231113，13號收到',
    'I love this bracelet, is it silver?',
    '我的email是 abc@gmail.com，電話 0912345678',
    '請問line id是多少？我想買108顆的念珠',
  ])('lets Buddhist and shop conversation pass: %s', (text) => {
    const r = check(text);
    expect(r.blocked, `${text}: ${JSON.stringify(r.blocked)}`).toBeNull();
    expect(r.masked).toEqual([]);
  });

  it.each(['我不想活了', '我想自殺', '我想自杀', '活不下去了，想死'])('never refuses words of distress: %s', (text) => {
    expect(check(text).blocked).toBeNull();
  });

  it('matches Latin-script terms as whole words only', () => {
    expect(check('你是sb').blocked?.term).toBe('sb');
    expect(check('你是ＳＢ嗎').blocked?.term).toBe('sb');
    expect(check('this bracelet').blocked).toBeNull();
  });

  it('masks profanity in the original text and flags political terms', () => {
    const r = check('你這個王 八 蛋');
    expect(r.blocked).toBeNull();
    expect(r.text).toBe('你這個＊＊＊＊＊');
    const f = check('六四事件是什麼');
    expect(f.blocked).toBeNull();
    expect(f.flagged.map((h) => h.category)).toContain('politics');
  });

  it('blocks nothing in the shipped sutra texts, line by line', () => {
    let lines = 0;
    for (const doc of readShippedSutras(join(SHIPPED_DATA_DIR, 'sutras'))) {
      for (const line of doc.content.split('\n')) {
        lines++;
        const r = check(line);
        expect(r.blocked, `${doc.id}: ${JSON.stringify(r.blocked)}`).toBeNull();
        expect(r.masked, doc.id).toEqual([]);
      }
    }
    expect(lines).toBeGreaterThan(8);
    const punctuated = readFileSync(join(SHIPPED_DATA_DIR, 'sutras', 'T0251_heart-sutra.punctuated.txt'), 'utf8');
    for (const line of punctuated.split('\n')) expect(check(line).blocked).toBeNull();
  });
});

describe('TermMatcher updates without rebuilding', () => {
  const shields = ['法轮常转'].map((t) => normalizeText(t));
  const actions = new Map([['x', 'block' as const], ['y', 'flag' as const]]);
  it('adds, removes and re-categorizes through update()', () => {
    const m = new TermMatcher({ terms: [{ id: 1, normalized: normalizeText('法輪'), category: 'x' }, { id: 2, normalized: '坏词', category: 'x' }], shields, actions });
    expect(m.find('法輪功').map((h) => h.term)).toEqual(['法轮']);
    expect(m.find('法輪常轉')).toEqual([]);
    m.update({ terms: [{ id: 1, normalized: '法轮', category: 'x' }, { id: 3, normalized: '新词', category: 'y' }], shields, actions });
    expect(m.find('坏词')).toEqual([]);
    expect(m.find('新 詞')).toMatchObject([{ term: '新词', action: 'flag', start: 0, end: 3 }]);
    expect(m.drift).toBe(2);
  });
});
