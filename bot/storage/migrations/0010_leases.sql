-- 0010: named leases on SQLite: one holder at a time, until its deadline (milliseconds
-- since the epoch) passes without a renewal. PostgreSQL holds its leases as session-level
-- advisory locks instead and leaves this table empty.
CREATE TABLE leases (
    name     TEXT PRIMARY KEY,
    holder   TEXT NOT NULL,
    deadline INTEGER NOT NULL
);
