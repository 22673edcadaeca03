-- Up Migration
-- A turn that waits for a lease reserves it (src/store/lease.ts), so the next to take it is the
-- one that waited, not a newcomer on the instance that just gave it back. Released leases stay as
-- free rows while reserved (one row per conversation and person at most).

ALTER TABLE leases ADD COLUMN wanted_by text, ADD COLUMN wanted_until text COLLATE "C";

-- Down Migration
ALTER TABLE leases DROP COLUMN wanted_by, DROP COLUMN wanted_until;
