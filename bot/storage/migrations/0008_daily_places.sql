-- 0008: daily schedules keyed by typed place columns instead of a hand-built place_key.
-- A schedule has an integer id; one per place (platform, group, channel, thread: a thread
-- and its parent channel are two places). Claimed days refer to the schedule by id.
-- book_id: the book whose quotes the schedule's cycle (`seen`) holds. Rows from before
-- are left NULL here and attached to the configured book when the daily feature starts.
-- Every row is kept: the place columns were already stored beside place_key.
DROP INDEX daily_schedules_next_due;

ALTER TABLE daily_posts RENAME TO daily_posts_v5;

ALTER TABLE daily_schedules RENAME TO daily_schedules_v5;

CREATE TABLE daily_schedules (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    channel_id    TEXT NOT NULL,
    thread_id     TEXT,
    book_id       TEXT,
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

CREATE UNIQUE INDEX daily_schedules_place
    ON daily_schedules (platform, group_id, channel_id, (COALESCE(thread_id, '')));

CREATE INDEX daily_schedules_next_due ON daily_schedules (next_due);

INSERT INTO daily_schedules (
    platform, group_id, channel_id, thread_id, book_id, local_time, timezone, chapter,
    prompt, enabled, next_due, next_date, last_date, version, seen, last_quote_id,
    last_post_at, last_error, last_error_at, updated_by, updated_at
)
SELECT
    platform, group_id, channel_id, NULLIF(thread_id, ''), NULL, local_time, timezone,
    chapter, prompt, enabled, next_due, next_date, last_date, version, seen, last_quote_id,
    last_post_at, last_error, last_error_at, updated_by, updated_at
FROM daily_schedules_v5
ORDER BY place_key;

CREATE TABLE daily_posts (
    schedule_id INTEGER NOT NULL REFERENCES daily_schedules (id) ON DELETE CASCADE,
    local_date  TEXT NOT NULL,
    book_id     TEXT,
    status      TEXT NOT NULL,
    quote_id    TEXT,
    at          INTEGER NOT NULL,
    PRIMARY KEY (schedule_id, local_date)
);

INSERT INTO daily_posts (schedule_id, local_date, book_id, status, quote_id, at)
SELECT s.id, p.local_date, NULL, p.status, p.quote_id, p.at
FROM daily_posts_v5 p
JOIN daily_schedules_v5 o ON o.place_key = p.place_key
JOIN daily_schedules s
    ON s.platform = o.platform AND s.group_id = o.group_id AND s.channel_id = o.channel_id
    AND COALESCE(s.thread_id, '') = COALESCE(o.thread_id, '');

DROP TABLE daily_posts_v5;

DROP TABLE daily_schedules_v5;
