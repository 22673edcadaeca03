-- Up Migration
-- The managers' figures (issue 17). Cases (screenings by outcome, referrals by source, decisions by
-- offer) as counters per month, centre and key: no row per case, so no citizen, no person and no
-- order of cases that could be set beside the access log; retention and erasure leave them.
-- The centres' counting weeks (Tabel 1) as records in the order they were recorded: the last of a
-- week wins (the sequence, not an instance's clock).

CREATE TABLE case_counts (
  month text COLLATE "C" NOT NULL,
  centre text NOT NULL,
  kind text NOT NULL,
  value text NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (month, centre, kind, value)
);

CREATE TABLE counting_weeks (
  id bigserial PRIMARY KEY,
  doc jsonb NOT NULL
);

-- Down Migration
DROP TABLE counting_weeks, case_counts;
