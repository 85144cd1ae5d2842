-- 0009: reading plans, check-ins and daily activity rows follow the book their group reads.
-- Rows written before have a NULL book_id here; at start the participation and plan
-- features attach them to the configured book. The key of a check-in and of a daily row
-- now holds the book (chapter 3 of one book is not chapter 3 of another), so those two
-- tables are made again with the same rows.
ALTER TABLE reading_plans ADD COLUMN book_id TEXT;

DROP INDEX reading_plans_group;

CREATE INDEX reading_plans_group ON reading_plans (platform, group_id, book_id, id);

CREATE TABLE reading_checkins_0009 (
    platform  TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    book_id   TEXT,
    chapter   INTEGER NOT NULL,
    day       TEXT NOT NULL,
    at        TEXT NOT NULL,
    UNIQUE (platform, group_id, user_id, book_id, chapter)
);

INSERT INTO reading_checkins_0009 (platform, group_id, user_id, book_id, chapter, day, at)
SELECT platform, group_id, user_id, NULL, chapter, day, at FROM reading_checkins;

DROP TABLE reading_checkins;

ALTER TABLE reading_checkins_0009 RENAME TO reading_checkins;

CREATE TABLE activity_daily_0009 (
    day            TEXT NOT NULL,
    platform       TEXT NOT NULL,
    group_id       TEXT NOT NULL,
    channel_id     TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    book_id        TEXT,
    chapter        INTEGER NOT NULL DEFAULT 0,
    messages       INTEGER NOT NULL DEFAULT 0,
    thread_replies INTEGER NOT NULL DEFAULT 0,
    reactions      INTEGER NOT NULL DEFAULT 0,
    quiz_answers   INTEGER NOT NULL DEFAULT 0,
    quiz_correct   INTEGER NOT NULL DEFAULT 0,
    commands       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (platform, group_id, day, user_id, channel_id, book_id, chapter)
);

INSERT INTO activity_daily_0009 (day, platform, group_id, channel_id, user_id, book_id,
    chapter, messages, thread_replies, reactions, quiz_answers, quiz_correct, commands)
SELECT day, platform, group_id, channel_id, user_id, NULL, chapter, messages,
    thread_replies, reactions, quiz_answers, quiz_correct, commands FROM activity_daily;

DROP TABLE activity_daily;

ALTER TABLE activity_daily_0009 RENAME TO activity_daily;

CREATE INDEX activity_daily_user ON activity_daily (platform, user_id, day);
