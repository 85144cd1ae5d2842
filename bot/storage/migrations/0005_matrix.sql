-- 0005: Matrix adapter state: handled event ids, messages that carry choices, and reactions to them.
CREATE TABLE matrix_seen_events (
    event_id TEXT PRIMARY KEY,
    seen_at  TEXT NOT NULL
);

CREATE TABLE matrix_choice_messages (
    event_id TEXT PRIMARY KEY,
    room_id  TEXT NOT NULL,
    options  TEXT NOT NULL,
    command  TEXT NOT NULL,
    token    TEXT NOT NULL,
    withdraw TEXT,
    posted_at TEXT NOT NULL
);

CREATE TABLE matrix_reactions (
    reaction_id TEXT PRIMARY KEY,
    target_id   TEXT NOT NULL REFERENCES matrix_choice_messages (event_id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    option      INTEGER NOT NULL,
    seq         INTEGER NOT NULL
);

CREATE INDEX matrix_reactions_by_user ON matrix_reactions (target_id, user_id);
