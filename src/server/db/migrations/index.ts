/**
 * The ordered list of migrations. Each domain adds its own file here (NNN_name.ts exporting `up`);
 * the same migrations run on PGlite and PostgreSQL at start.
 */
import type { Migration } from 'kysely';
import * as m001 from './001_core';
import * as m002 from './002_desk';
import * as m003 from './003_dharma';
import * as m004 from './004_insight';
import * as m005 from './005_hot_updates';
import * as m006 from './006_reply_guard_idx';
import * as m007 from './007_domain_events';
import * as m008 from './008_upload_reservations';
import * as m009 from './009_trust';
import * as m010 from './010_integration';
import * as m011 from './011_service';
import * as m012 from './012_members';
import * as m013 from './013_duty_canned';

export const migrations: Record<string, Migration> = {
  '001_core': m001,
  '002_desk': m002,
  '003_dharma': m003,
  '004_insight': m004,
  '005_hot_updates': m005,
  '006_reply_guard_idx': m006,
  '007_domain_events': m007,
  '008_upload_reservations': m008,
  '009_trust': m009,
  '010_integration': m010,
  '011_service': m011,
  '012_members': m012,
  '013_duty_canned': m013,
};
