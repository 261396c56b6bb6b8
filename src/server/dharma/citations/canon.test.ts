/**
 * Citations against the shipped canon (issue 27): every text of data/sutras-canon answers for its
 * names, editions count together, misattributions say where the words are, sayings found nowhere
 * say so, and the reviewed popular readings pass as variants — in Traditional and Simplified.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldText } from '../../lib/chinese-script';
import { SHIPPED_DATA_DIR } from '../paths';
import { readCorpus, readShippedSutras, type SutraDoc } from './catalog';
import { corpusFolder } from './corpus-source';
import { loadOrBuildIndex } from './index-cache';
import { POPULAR_READINGS } from './popular-readings';
import { CitationVerifier, isFailing } from './verify';

let docs: SutraDoc[];
let v: CitationVerifier;
const cache = mkdtempSync(join(tmpdir(), 'ld-citation-cache-'));
beforeAll(() => {
  docs = readCorpus(corpusFolder('canon', SHIPPED_DATA_DIR).dir);
  v = new CitationVerifier(docs, loadOrBuildIndex(docs, cache).index);
}, 120_000);
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const one = (text: string) => {
  const r = v.verifyText(text);
  expect(r, text).toHaveLength(1);
  return r[0];
};
/** The same citation in Simplified script. */
const simplified = (text: string) => foldText(text);

describe('the canon', () => {
  it('holds the 34 texts of its catalogue, with their aliases', () => {
    expect(docs).toHaveLength(34);
    expect(docs.find((d) => d.id === 'T0262')?.aliases).toEqual(expect.arrayContaining(['法華經', '妙法蓮華經', '普門品']));
    expect(docs.filter((d) => d.aliases.includes('華嚴經')).map((d) => d.id)).toEqual(['T0278', 'T0279', 'T0293']);
  });

  it('verifies a passage taken from every text, by its first alias, in both scripts', () => {
    const core = new Set(readShippedSutras(join(SHIPPED_DATA_DIR, 'sutras')).map((d) => d.taisho));
    let newTexts = 0;
    for (const doc of docs) {
      if (!core.has(doc.taisho)) newTexts++;
      const chars = [...doc.content.replace(/\s/g, '')];
      const at = Math.floor(chars.length * 0.37);
      const quote = chars.slice(at, at + 14).join('');
      const name = doc.aliases[0];
      for (const text of [`《${name}》云：「${quote}」`, simplified(`《${name}》云：「${quote}」`)]) {
        const r = one(text);
        expect(r.status, `${doc.id} ${text}`).toBe('exact');
        // An alias shared by several editions may find the words in another edition first.
        expect(docs.filter((d) => d.aliases.includes(name)).map((d) => d.id), text).toContain(r.sutra?.id);
      }
    }
    expect(newTexts).toBe(26);
  });

  it.each([
    ['法華經', '《法華經》云：「諸法從本來，常自寂滅相」', 'T0262'],
    ['妙法蓮華經 without brackets', '妙法蓮華經云：「是法住法位，世間相常住」', 'T0262'],
    ['楞嚴經', '《楞嚴經》云：「狂性自歇，歇即菩提」', 'T0945'],
    ['華嚴經, 80 fascicles', '《華嚴經》云：「若人欲了知，三世一切佛，應觀法界性，一切唯心造」', 'T0279'],
    ['華嚴經, 60 fascicles', '《華嚴經》云：「心佛及眾生，是三無差別」', 'T0278'],
    ['華嚴經, 60 fascicles', '《華嚴經》云：「初發心時，便成正覺」', 'T0278'],
    ['涅槃經', '《涅槃經》云：「一切眾生悉有佛性」', 'T0374'],
    ['維摩經', '《維摩經》云：「隨其心淨，則佛土淨」', 'T0475'],
    ['維摩詰經', '維摩詰經云：「直心是道場」', 'T0475'],
    ['八大人覺經', '《八大人覺經》云：「世間無常，國土危脆」', 'T0779'],
    ['遺教經', '《遺教經》云：「汝等比丘，於我滅後，當尊重珍敬波羅提木叉」', 'T0389'],
  ])('accepts an authentic quote: %s', (_n, text, taisho) => {
    for (const t of [text, simplified(text)]) {
      const r = one(t);
      expect(r.status, JSON.stringify(r)).toBe('exact');
      expect(r.sutra?.taisho).toBe(taisho);
    }
  });

  it.each([
    ['放下屠刀，立地成佛', '《法華經》云：「放下屠刀，立地成佛」', 'T0262'],
    ['一花一世界，一葉一菩提', '《華嚴經》云：「一花一世界，一葉一菩提」', 'T0278'],
  ])('refuses a popular saying found nowhere in the corpus: %s', (_n, text, taisho) => {
    for (const t of [text, simplified(text)]) {
      const r = one(t);
      expect(r.status).toBe('misquote');
      expect(isFailing(r)).toBe(true);
      expect(r.inCorpus).toBe(false);
      expect(r.foundIn).toBeUndefined();
      expect(r.sutra?.taisho?.slice(0, 4)).toBe(taisho.slice(0, 4));
    }
  });

  it('says where misattributed words really are', () => {
    for (const [text, where] of [
      ['《法華經》云：「色即是空，空即是色」', 'T0251'],
      ['《涅槃經》云：「若人欲了知，三世一切佛，應觀法界性，一切唯心造」', 'T0279'],
    ]) {
      const r = one(simplified(text));
      expect(r.status, text).toBe('misattributed');
      expect(r.foundIn?.taisho).toBe(where);
      expect(r.passage).toBeTruthy();
    }
  });

  it('accepts each reviewed popular reading as a variant, with the Taishō wording', () => {
    const quotes: Record<string, string> = {
      因地不真: '《楞嚴經》云：「因地不真，果招紆曲」',
      狂心頓歇: '《楞嚴經》云：「狂心頓歇，歇即菩提」',
      制心一處: '《遺教經》云：「制心一處，無事不辦」',
      貪瞋癡: '《普賢行願品》云：「我昔所造諸惡業，皆由無始貪瞋癡」',
      往昔所造: '《普賢行願品》云：「往昔所造諸惡業，皆由無始貪恚癡」',
      '因緣所生法，我說即是空': '《中論》云：「因緣所生法，我說即是空」',
    };
    expect(Object.keys(quotes).sort()).toEqual(POPULAR_READINGS.map((p) => p.popular).sort());
    for (const reading of POPULAR_READINGS) {
      for (const t of [quotes[reading.popular], simplified(quotes[reading.popular])]) {
        const r = one(t);
        expect(r.status, t).toBe('variant');
        expect(isFailing(r)).toBe(false);
        expect(r.readings).toContainEqual({ popular: reading.popular, taisho: reading.taisho });
        expect(foldText(r.passage!.replace(/\s/g, ''))).toContain(foldText(reading.taisho.replace(/，/g, '')));
      }
    }
    // The whole liturgical line uses two readings at once.
    expect(one('《普賢行願品》云：「往昔所造諸惡業，皆由無始貪瞋癡」').readings).toHaveLength(2);
    // A reading only counts in its own text, and any other change is judged as usual.
    expect(one('《法華經》云：「因地不真，果招紆曲」').status).toBe('misattributed');
    expect(one('《楞嚴經》云：「因地不真，果招大曲，無有是處」').status).toBe('misquote');
  });

  it('reads the index back from its cache, and the cached index answers the same', () => {
    expect(readdirSync(cache).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const again = loadOrBuildIndex(docs, cache);
    expect(again.from).toBe('cache');
    const w = new CitationVerifier(docs, again.index);
    for (const t of ['《法華經》云：「諸法從本來，常自寂滅相」', '《法華經》云：「放下屠刀，立地成佛」', '《法華經》云：「色即是空，空即是色」']) expect(w.verifyText(t)).toEqual(v.verifyText(t));
    // Another corpus is another file; the old one goes.
    const fewer = docs.slice(0, 3);
    expect(loadOrBuildIndex(fewer, cache).from).toBe('built');
    expect(readdirSync(cache).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
  });
});
