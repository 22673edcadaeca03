-- Up Migration
-- Leases on keys (src/store/lease.ts): a conversation's turns run one after another on every
-- instance. A row is held by one holder until `until`; a holder that died leaves it to run out.
-- Taken and given up in statements of their own, never inside a transaction that talks to Teams,
-- and without session-level advisory locks (they break behind PgBouncer in transaction mode).

CREATE TABLE leases (
  key text PRIMARY KEY,
  holder text NOT NULL,
  until text COLLATE "C" NOT NULL
);

-- Down Migration
DROP TABLE leases;
