-- 0004: daily quote schedules per channel, and one row per channel and local date claimed.
CREATE TABLE daily_schedules (
    place_key     TEXT PRIMARY KEY,
    platform      TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    channel_id    TEXT NOT NULL,
    thread_id     TEXT,
    local_time    TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    chapter       TEXT NOT NULL,
    prompt        INTEGER NOT NULL,
    enabled       INTEGER NOT NULL,
    next_due      INTEGER,
    next_date     TEXT,
    last_date     TEXT,
    version       INTEGER NOT NULL DEFAULT 0,
    seen          TEXT NOT NULL DEFAULT '[]',
    last_quote_id TEXT,
    last_post_at  INTEGER,
    last_error    TEXT,
    last_error_at INTEGER,
    updated_by    TEXT,
    updated_at    INTEGER NOT NULL
);

CREATE INDEX daily_schedules_next_due ON daily_schedules (next_due);

CREATE TABLE daily_posts (
    place_key  TEXT NOT NULL,
    local_date TEXT NOT NULL,
    status     TEXT NOT NULL,
    quote_id   TEXT,
    at         INTEGER NOT NULL,
    PRIMARY KEY (place_key, local_date)
);
