-- Up Migration
-- Files waiting for their owner to accept them in Teams (the file consent card): kept only until
-- uploaded, declined or expired (src/teams/files.ts).

CREATE TABLE files (
  id text PRIMARY KEY,
  expires_at text COLLATE "C" NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX files_expires ON files (expires_at);

-- Down Migration
DROP TABLE files;
