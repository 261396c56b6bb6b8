/**
 * Popular readings: well-known wordings, printed in liturgies and popular editions, that differ
 * from the Taishō text. Accepting one is a product decision, so each entry here was reviewed; a
 * quote that matches its text once the listed popular reading is replaced by the Taishō reading is
 * accepted as `variant`, with the Taishō passage shown to staff. Any other difference is judged as
 * usual (near, misquote). The README lists these entries.
 */

export interface PopularReading {
  /** Taishō numbers of the texts the reading belongs to. */
  texts: readonly string[];
  /** The wording people quote. */
  popular: string;
  /** The Taishō wording it stands for (same text, same place). */
  taisho: string;
  /** Where the popular wording comes from. */
  why: string;
}

/** The reviewed popular readings. */
export const POPULAR_READINGS: readonly PopularReading[] = [
  { texts: ['T0945'], popular: '因地不真', taisho: '因地不直', why: '楞嚴經 卷4, as printed in popular editions and sermons' },
  { texts: ['T0945'], popular: '狂心頓歇', taisho: '狂性自歇', why: '楞嚴經 卷4, the wording of Chan sayings (狂心頓歇，歇即菩提)' },
  { texts: ['T0389'], popular: '制心一處', taisho: '制之一處', why: '遺教經, the wording of popular editions' },
  { texts: ['T0293'], popular: '貪瞋癡', taisho: '貪恚癡', why: '普賢行願品 懺悔偈 as recited in the liturgy' },
  { texts: ['T0293'], popular: '往昔所造', taisho: '我昔所造', why: '普賢行願品 懺悔偈 as recited in the liturgy (往昔所造諸惡業)' },
  { texts: ['T1564'], popular: '因緣所生法，我說即是空', taisho: '眾因緣生法，我說即是無', why: '中論 24:18 as quoted by 智顗 (Tiantai)' },
];
