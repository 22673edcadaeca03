-- Up Migration
-- The managers' figures (issue 17): screenings by outcome, referrals and decisions by offer, and the
-- centres' counting weeks, as anonymous events (no citizen, no staff member), like visit_events:
-- retention and erasure of case records leave the counts.

CREATE TABLE case_events (
  id bigserial PRIMARY KEY,
  at text COLLATE "C" NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX case_events_at ON case_events (at);

-- Down Migration
DROP TABLE case_events;
