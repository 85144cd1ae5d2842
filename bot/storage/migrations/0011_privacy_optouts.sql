-- 0011: opt-outs kept by a one-way digest of the member (sha256 of platform and user id),
-- so that the list honoured after `privacy delete` holds neither their id nor their name.
-- The rows of participation_optouts (ids in clear) are moved here, digested, by the
-- privacy feature when it loads (SQL has no sha256 on SQLite), and deleted there.
CREATE TABLE privacy_optouts (
    digest TEXT PRIMARY KEY,
    since  TEXT NOT NULL
);
