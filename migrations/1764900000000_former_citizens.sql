-- Up Migration
-- Citizens whose record is gone (erased, or deleted by retention), under a keyed pseudonym of the
-- CPR number (src/store/pseudonym.ts), so their access log can still be found by CPR number. Only
-- kept when the bot has a pseudonym key (CPR_PSEUDONYM_KEY).

CREATE TABLE former_citizens (
  pseudonym text COLLATE "C" NOT NULL,
  citizen_id text NOT NULL,
  at text COLLATE "C" NOT NULL,
  PRIMARY KEY (pseudonym, citizen_id)
);

-- Down Migration
DROP TABLE former_citizens;
