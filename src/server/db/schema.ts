/** Kysely table types for the database (keep in step with migrations/). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface UsersTable {
  id: Generated<string>;
  external_id: string;
  role: string;
  name: string;
  tier: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  max_concurrent: Generated<number>;
  skills: Generated<string[]>;
  languages: Generated<string[]>;
  chosen_status: Generated<'online' | 'away' | 'offline'>;
  presence: Generated<'online' | 'away' | 'offline'>;
  last_seen_at: Date | null;
  offline_since: Date | null;
}

export interface ChatsTable {
  id: Generated<string>;
  member_id: string;
  customer_service_id: string | null;
  status: Generated<'pending' | 'open' | 'closed'>;
  topic: string | null;
  last_seq: Generated<number>;
  created_at: Generated<Date>;
  assigned_at: Date | null;
  closed_at: Date | null;
  updated_at: Timestamp;
  queue: string | null;
  base_urgency: Generated<number>;
  distress: Generated<boolean>;
  min_sentiment: number | null;
  language: string | null;
  first_response_at: Date | null;
  off_duty: Generated<boolean>;
  /** Staff labels (migration 011). */
  labels: Generated<string[]>;
}

export interface MessagesTable {
  id: Generated<string>;
  chat_id: string;
  seq: number;
  sender_id: string | null;
  sender_role: string;
  kind: Generated<'text' | 'auto_reply' | 'system'>;
  content: string;
  client_id: string | null;
  is_read: Generated<boolean>;
  sentiment_score: number | null;
  attachments: Json<unknown[]>;
  flags: Json<unknown[]>;
  created_at: Timestamp;
  /** A system line's code and parameters (migration 011); null for people's messages. */
  code: string | null;
  params: Json<Record<string, string | number> | null>;
}

export interface ReadCursorsTable {
  chat_id: string;
  user_id: string;
  last_read_seq: number;
  updated_at: Timestamp;
}

export interface ScheduleTable {
  id: Generated<string>;
  user_id: string;
  shift_start: Date | string;
  shift_end: Date | string;
  current_status: Generated<'online' | 'away' | 'offline'>;
  created_at: Generated<Date>;
}

export interface AttachmentsTable {
  id: Generated<string>;
  owner_id: string;
  chat_id: string | null;
  name: string;
  mime: string;
  size: number;
  storage_key: string;
  thumbnail_key: string | null;
  /** False while the upload is only reserved (its file not yet in place); see migration 007. */
  stored: Generated<boolean>;
  created_at: Generated<Date>;
  /** A certificate photo bound to its 三寶 application (migration 012); never swept as unsent. */
  certification_id: Generated<string | null>;
}

export interface DeskQueuesTable {
  id: string;
  name: string;
  keywords: string[];
  skill: string | null;
  serving_role: 'agent' | 'master' | null;
  assignment_mode: 'off' | 'least_busy' | 'round_robin';
  last_assigned_user_id: string | null;
  position: number;
}

export interface DeskHolidaysTable {
  day: string;
  name: string;
  closed: boolean;
}

export interface DharmaVersionsTable {
  area: string;
  version: number;
}

export interface DharmaCategoriesTable {
  id: string;
  name: string;
  action: 'block' | 'flag' | 'mask' | 'off';
  position: number;
}

export interface DharmaTermsTable {
  id: Generated<number>;
  term: string;
  normalized: string;
  category: string;
  enabled: Generated<boolean>;
  source: string;
  note: string | null;
  created_at: Generated<Date>;
}

export interface DharmaAllowTermsTable {
  id: Generated<number>;
  term: string;
  normalized: string;
  source: string;
  created_at: Generated<Date>;
}

export interface DharmaSutrasTable {
  id: string;
  taisho: string | null;
  title: string;
  aliases: string[];
  coverage: 'full' | 'partial';
  content: string;
  source: string;
  created_at: Generated<Date>;
}

export interface DharmaAutoRulesTable {
  id: Generated<string>;
  keywords: string[];
  reply: string;
  enabled: Generated<boolean>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface DharmaCompassionTable {
  id: Generated<string>;
  text: string;
  enabled: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface DharmaReviewsTable {
  id: Generated<string>;
  message_id: string;
  chat_id: string;
  kind: string;
  detail: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
  resolved_at: Date | null;
  resolved_by: string | null;
}

export interface MeritLedgerTable {
  id: Generated<string>;
  /** Null once retention purged the chat (the award stays). */
  chat_id: string | null;
  member_id: string;
  minutes: number;
  positive_terms: number;
  positive_detail: Json<unknown[]>;
  verified_quotes: number;
  points: number;
  base: Generated<number>;
  /** The first staff answer: conversation minutes count from here to the close. */
  conversation_started_at: Date | null;
  created_at: Timestamp;
}

export interface MeritTotalsTable {
  user_id: string;
  total: number;
  updated_at: Timestamp;
}

export interface InsightSettingsTable {
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface DomainEventsTable {
  id: string;
  position: Generated<string>;
  type: string;
  chat_id: string | null;
  data: Json<unknown>;
  created_at: Timestamp;
  published_at: Date | null;
}

export interface ChatNotesTable {
  id: Generated<string>;
  chat_id: string;
  author_id: string | null;
  author_name: string;
  text: string;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  scopes: string[];
  key_hash: string;
  prefix: string;
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface WebhooksTable {
  id: Generated<string>;
  url: string;
  events: string[];
  description: string | null;
  secret: string;
  created_by: string | null;
  created_by_key: string | null;
  created_at: Generated<Date>;
  failing_since: Date | null;
  last_success_at: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  webhook_id: string;
  event_id: string;
  type: string;
  body: string;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  locked_until: Date | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  response_status: number | null;
  error: string | null;
  created_at: Generated<Date>;
}

export interface HolyDayFestivalsTable {
  id: Generated<string>;
  lunar_month: number;
  lunar_day: number;
  name: string;
  created_at: Generated<Date>;
}

export interface DutySettingsTable {
  id: Generated<boolean>;
  holy_days: 'none' | 'festival' | 'fast' | 'both';
  master_first_seconds: number;
  updated_at: Timestamp;
}

export interface DutyWindowsTable {
  id: Generated<string>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: string;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface CannedRepliesTable {
  id: Generated<string>;
  owner_id: string | null;
  shortcut: string;
  title: string;
  text: string;
  usage_count: Generated<number>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface ChatRatingsTable {
  chat_id: string;
  member_id: string;
  score: number;
  comment: string | null;
  created_at: Generated<Date>;
}

export interface MessageSearchTable {
  message_id: string;
  chat_id: string;
  created_at: Date | string;
  tokens: string[];
}

/** A level name or benefit in the three UI languages. */
export interface LocalizedText {
  'zh-TW': string;
  'zh-CN': string;
  en: string;
}

export interface MeritLevelsTable {
  id: string;
  min_merit: number;
  name: Json<LocalizedText>;
  benefits: Json<LocalizedText[]>;
  updated_at: Timestamp;
}

export interface MemberCertificationsTable {
  id: Generated<string>;
  member_id: string;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  refuge_date: ColumnType<string, string, string>;
  refuge_temple: string;
  master: string;
  dharma_name: string | null;
  note: string | null;
  attachments: ColumnType<string[], string[] | undefined, string[]>;
  reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Timestamp;
}

export interface MemberOffersTable {
  id: Generated<string>;
  title: string;
  body: Generated<string>;
  min_level: string;
  code: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MemberOfferClaimsTable {
  offer_id: string;
  member_id: string;
  claimed_at: Timestamp;
}

export interface MeritLeaderboardPrefsTable {
  user_id: string;
  opt_in: boolean;
  alias: string | null;
  updated_at: Timestamp;
}

export interface AuditEntriesTable {
  seq: number;
  key: string;
  at: Date | string;
  actor_id: string | null;
  actor_role: string;
  action: string;
  target: string | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface TlogLeavesTable {
  index: number;
  kind: string;
  subject: string | null;
  leaf: string;
  leaf_hash: string;
  created_at: Generated<Date>;
}

export interface TlogNodesTable {
  level: number;
  idx: number;
  hash: string;
}

export interface TlogHeadsTable {
  tree_size: number;
  root_hash: string;
  timestamp: string;
  signature: string;
  public_key: string;
  created_at: Generated<Date>;
}

export interface Database {
  domain_events: DomainEventsTable;
  chat_notes: ChatNotesTable;
  insight_settings: InsightSettingsTable;
  desk_queues: DeskQueuesTable;
  desk_holidays: DeskHolidaysTable;
  users: UsersTable;
  chats: ChatsTable;
  messages: MessagesTable;
  read_cursors: ReadCursorsTable;
  customer_service_schedule: ScheduleTable;
  attachments: AttachmentsTable;
  dharma_versions: DharmaVersionsTable;
  dharma_categories: DharmaCategoriesTable;
  dharma_terms: DharmaTermsTable;
  dharma_allow_terms: DharmaAllowTermsTable;
  dharma_sutras: DharmaSutrasTable;
  dharma_auto_rules: DharmaAutoRulesTable;
  dharma_compassion: DharmaCompassionTable;
  dharma_reviews: DharmaReviewsTable;
  merit_ledger: MeritLedgerTable;
  merit_totals: MeritTotalsTable;
  api_keys: ApiKeysTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  holy_day_festivals: HolyDayFestivalsTable;
  duty_settings: DutySettingsTable;
  duty_windows: DutyWindowsTable;
  canned_replies: CannedRepliesTable;
  chat_ratings: ChatRatingsTable;
  message_search: MessageSearchTable;
  merit_levels: MeritLevelsTable;
  member_certifications: MemberCertificationsTable;
  member_offers: MemberOffersTable;
  member_offer_claims: MemberOfferClaimsTable;
  merit_leaderboard_prefs: MeritLeaderboardPrefsTable;
  audit_entries: AuditEntriesTable;
  tlog_leaves: TlogLeavesTable;
  tlog_nodes: TlogNodesTable;
  tlog_heads: TlogHeadsTable;
}
