/**
 * Service desk: queues with routing keywords and an assignment mode, agent capacity, skills,
 * languages and presence, priority inputs on chats, response-time stamps, holidays.
 */
import { sql, type Kysely } from 'kysely';

/** Creates the desk tables and columns, with the default queues. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE desk_queues (
      id text PRIMARY KEY,
      name text NOT NULL,
      keywords text[] NOT NULL DEFAULT '{}',
      skill text,
      serving_role text CHECK (serving_role IN ('agent','master')),
      assignment_mode text NOT NULL DEFAULT 'least_busy' CHECK (assignment_mode IN ('off','least_busy','round_robin')),
      last_assigned_user_id uuid,
      position integer NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`
    INSERT INTO desk_queues (id, name, keywords, skill, serving_role, assignment_mode, position) VALUES
      ('dharma', '佛法諮詢', '{佛法,開示,修行,念佛,皈依,往生,助念,超度,法師,經文,誦經,懺悔,煩惱,迴向}', NULL, 'master', 'least_busy', 1),
      ('offerings', '供養與法會', '{供養,法會,點燈,光明燈,牌位,超薦,消災,祈福,隨喜,功德,捐獻,布施}', 'offerings', NULL, 'least_busy', 2),
      ('orders', '訂單與物流', '{訂單,出貨,物流,配送,退貨,退款,發票,付款,支付,運費,宅配,包裹,收到,寄}', 'orders', NULL, 'least_busy', 3),
      ('general', '一般諮詢', '{}', NULL, NULL, 'least_busy', 99)`.execute(db);

  await sql`ALTER TABLE users
    ADD COLUMN max_concurrent integer NOT NULL DEFAULT 5,
    ADD COLUMN skills text[] NOT NULL DEFAULT '{}',
    ADD COLUMN languages text[] NOT NULL DEFAULT '{zh-TW,zh-CN}',
    ADD COLUMN chosen_status text NOT NULL DEFAULT 'online' CHECK (chosen_status IN ('online','away','offline')),
    ADD COLUMN presence text NOT NULL DEFAULT 'offline' CHECK (presence IN ('online','away','offline')),
    ADD COLUMN last_seen_at timestamptz,
    ADD COLUMN offline_since timestamptz`.execute(db);

  await sql`ALTER TABLE chats
    ADD COLUMN queue text REFERENCES desk_queues(id),
    ADD COLUMN base_urgency real NOT NULL DEFAULT 0,
    ADD COLUMN distress boolean NOT NULL DEFAULT false,
    ADD COLUMN min_sentiment real,
    ADD COLUMN language text,
    ADD COLUMN first_response_at timestamptz,
    ADD COLUMN off_duty boolean NOT NULL DEFAULT false`.execute(db);
  await sql`CREATE INDEX chats_closed_at_idx ON chats (closed_at) WHERE status = 'closed'`.execute(db);
  await sql`CREATE INDEX chats_open_activity_idx ON chats (updated_at) WHERE status <> 'closed'`.execute(db);

  await sql`
    CREATE TABLE desk_holidays (
      day date PRIMARY KEY,
      name text NOT NULL,
      closed boolean NOT NULL DEFAULT true
    )`.execute(db);
}
