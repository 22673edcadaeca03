-- Up Migration
-- The store's tables (src/store/postgres): each record as JSON (doc), with the fields the queries
-- find it by as columns of their own. Records people edit carry a version (compare-and-set). Times
-- are ISO strings compared byte by byte (COLLATE "C"), as the embedded store compares them.

CREATE TABLE staff (
  key text PRIMARY KEY,
  tenant_id text NOT NULL,
  version integer NOT NULL DEFAULT 0,
  doc jsonb NOT NULL
);
CREATE INDEX staff_tenant ON staff (tenant_id);

CREATE TABLE citizens (
  id text PRIMARY KEY,
  cpr text NOT NULL UNIQUE,
  doc jsonb NOT NULL
);

CREATE TABLE screenings (
  id text PRIMARY KEY,
  citizen_id text,
  author_key text NOT NULL,
  status text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX screenings_citizen ON screenings (citizen_id);
CREATE INDEX screenings_drafts ON screenings (author_key) WHERE status = 'draft';

CREATE TABLE referrals (
  id text PRIMARY KEY,
  citizen_id text NOT NULL,
  status text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  follow_up_due_at text COLLATE "C",
  version integer NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX referrals_citizen ON referrals (citizen_id);
CREATE INDEX referrals_open ON referrals (created_at) WHERE status IN ('new', 'taken');
CREATE INDEX referrals_follow_up ON referrals (follow_up_due_at) WHERE follow_up_due_at IS NOT NULL;

CREATE TABLE case_numbers (
  year integer PRIMARY KEY,
  last integer NOT NULL
);

CREATE TABLE visits (
  id text PRIMARY KEY,
  citizen_id text NOT NULL,
  at text COLLATE "C" NOT NULL,
  -- The planner and everyone who joins: a visit is found by any of them.
  staff_keys text[] NOT NULL,
  version integer NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX visits_citizen ON visits (citizen_id, at);
CREATE INDEX visits_staff ON visits USING gin (staff_keys);

CREATE TABLE attachments (
  id text PRIMARY KEY,
  citizen_id text NOT NULL,
  staff_key text NOT NULL,
  since text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX attachments_citizen ON attachments (citizen_id);
CREATE INDEX attachments_staff ON attachments (staff_key);

CREATE TABLE coordinations (
  id text PRIMARY KEY,
  version integer NOT NULL,
  doc jsonb NOT NULL
);

CREATE TABLE visit_events (
  id bigserial PRIMARY KEY,
  at text COLLATE "C" NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX visit_events_at ON visit_events (at);

CREATE TABLE outbox (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  status text NOT NULL,
  next_attempt_at text COLLATE "C" NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  target_user_key text,
  topic text,
  claim_until text COLLATE "C",
  doc jsonb NOT NULL
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at, created_at) WHERE status = 'pending';
CREATE INDEX outbox_pending_user ON outbox (target_user_key) WHERE status = 'pending';
CREATE INDEX outbox_topic ON outbox (topic);

CREATE TABLE audit (
  seq bigserial PRIMARY KEY,
  citizen_id text NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX audit_citizen ON audit (citizen_id, seq);

CREATE TABLE conversations (
  id text PRIMARY KEY,
  tenant_id text NOT NULL,
  personal_user_key text,
  doc jsonb NOT NULL
);
CREATE INDEX conversations_personal ON conversations (personal_user_key);
CREATE INDEX conversations_tenant ON conversations (tenant_id);

CREATE TABLE turn_state (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  etag text NOT NULL
);

CREATE TABLE settings (
  key text PRIMARY KEY,
  version integer NOT NULL,
  value jsonb NOT NULL
);

-- Down Migration
DROP TABLE settings, turn_state, conversations, audit, outbox, visit_events, coordinations, attachments, visits, case_numbers, referrals, screenings, citizens, staff;
