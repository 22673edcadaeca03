-- Up Migration
-- The access log's own retention period (rules/retention.json, audit) deletes by date, a batch at a
-- time: an index on the date keeps each batch from reading the whole log.

CREATE INDEX audit_at ON audit (((doc->>'at') COLLATE "C"));

-- Down Migration
DROP INDEX audit_at;
