/**
 * Help lines quoted in the caring reply to a member in distress. Admins configure them (a Taiwan
 * default ships); the reply is written in the member's script and never refuses or lectures.
 */
import { toSimplified } from '../lib/chinese-script';
import type { Db } from '../db/database';

export interface Helpline {
  name: string;
  phone: string;
  note?: string;
}

export interface HelplineSettings {
  /** Opening words of the caring reply (Traditional); null uses the built-in words. */
  message: string | null;
  helplines: Helpline[];
}

/** Taiwan's national lines, used until an admin sets others. */
export const DEFAULT_HELPLINES: Helpline[] = [
  { name: '衛福部安心專線', phone: '1925', note: '24小時免付費' },
  { name: '生命線協談專線', phone: '1995', note: '24小時' },
  { name: '張老師專線', phone: '1980' },
];

const DEFAULT_MESSAGE =
  '我們聽見了您的心聲，您並不孤單。服務人員與法師已收到通知，會盡快親自陪伴您。此刻如果感到危險或撐不住，請立刻撥打以下專線，會有人願意聽您說：';
const CLOSING = '若有立即危險，請撥 119 或 110。我們一直都在這裡。';

const KEY = 'helplines';

export class HelplineStore {
  private cache: { at: number; value: HelplineSettings } | null = null;

  constructor(private readonly db: Db) {}

  /** The current settings (cached for a few seconds: the caring reply must not wait on a lookup). */
  async get(): Promise<HelplineSettings> {
    if (this.cache && Date.now() - this.cache.at < 5_000) return this.cache.value;
    const row = await this.db.selectFrom('insight_settings').select('value').where('key', '=', KEY).executeTakeFirst();
    const value = (row?.value as HelplineSettings | undefined) ?? { message: null, helplines: DEFAULT_HELPLINES };
    this.cache = { at: Date.now(), value };
    return value;
  }

  /** Replaces the settings (admins). */
  async set(value: HelplineSettings, userId: string): Promise<HelplineSettings> {
    const json = JSON.stringify(value);
    await this.db
      .insertInto('insight_settings')
      .values({ key: KEY, value: json, updated_by: userId, updated_at: new Date() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_by: userId, updated_at: new Date() }))
      .execute();
    this.cache = null;
    return value;
  }
}

/** The caring reply, in Simplified when the member wrote Simplified. */
export function caringReply(settings: HelplineSettings, simplified: boolean): string {
  const lines = settings.helplines.map((h) => `・${h.name} ${h.phone}${h.note ? `（${h.note}）` : ''}`);
  const text = [settings.message?.trim() || DEFAULT_MESSAGE, ...lines, CLOSING].join('\n');
  return simplified ? toSimplified(text) : text;
}
