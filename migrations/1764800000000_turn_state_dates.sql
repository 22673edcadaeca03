-- Up Migration
-- When each turn-state item was last written, so retention (rules/retention.json, turnState) can
-- count from it. Items written before have none and count as old.

ALTER TABLE turn_state ADD COLUMN updated_at text COLLATE "C";

-- Down Migration
ALTER TABLE turn_state DROP COLUMN updated_at;
