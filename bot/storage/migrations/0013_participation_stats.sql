-- 0013: stats computed by the database. One member's rows in a group are found by an
-- index (platform, group_id, user_id, day) instead of a scan of the group's history, and
-- the members of a group with activity kept are listed in their own table (written with
-- each batch of the recorder, deleted with the member or by retention), so `members()`
-- never reads the daily rows.
CREATE INDEX activity_daily_member ON activity_daily (platform, group_id, user_id, day);

CREATE TABLE activity_members (
    platform  TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (platform, group_id, user_id)
);

INSERT INTO activity_members (platform, group_id, user_id)
SELECT DISTINCT platform, group_id, user_id FROM activity_daily;

-- Sums kept beside the daily rows, written in the same transaction as each batch: a
-- group's counts per day (with its active members, those with anything counted that day)
-- and each member's counts per month (with the first day of the month they have a row).
-- A period's figures read the days, whole months and at most two partial months of daily
-- rows, never a year of them.
CREATE TABLE activity_group_days (
    platform       TEXT NOT NULL,
    group_id       TEXT NOT NULL,
    day            TEXT NOT NULL,
    messages       INTEGER NOT NULL DEFAULT 0,
    thread_replies INTEGER NOT NULL DEFAULT 0,
    reactions      INTEGER NOT NULL DEFAULT 0,
    quiz_answers   INTEGER NOT NULL DEFAULT 0,
    quiz_correct   INTEGER NOT NULL DEFAULT 0,
    commands       INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, group_id, day)
);

INSERT INTO activity_group_days (platform, group_id, day, messages, thread_replies,
    reactions, quiz_answers, quiz_correct, commands, active)
SELECT platform, group_id, day, SUM(messages), SUM(thread_replies), SUM(reactions),
    SUM(quiz_answers), SUM(quiz_correct), SUM(commands),
    COUNT(DISTINCT CASE WHEN messages + thread_replies + reactions + quiz_answers + commands > 0
        THEN user_id END)
FROM activity_daily GROUP BY platform, group_id, day;

CREATE TABLE activity_member_months (
    platform       TEXT NOT NULL,
    group_id       TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    month          TEXT NOT NULL,
    first_day      TEXT NOT NULL,
    messages       INTEGER NOT NULL DEFAULT 0,
    thread_replies INTEGER NOT NULL DEFAULT 0,
    reactions      INTEGER NOT NULL DEFAULT 0,
    quiz_answers   INTEGER NOT NULL DEFAULT 0,
    quiz_correct   INTEGER NOT NULL DEFAULT 0,
    commands       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, group_id, user_id, month)
);

INSERT INTO activity_member_months (platform, group_id, user_id, month, first_day, messages,
    thread_replies, reactions, quiz_answers, quiz_correct, commands)
SELECT platform, group_id, user_id, substr(day, 1, 7), MIN(day), SUM(messages),
    SUM(thread_replies), SUM(reactions), SUM(quiz_answers), SUM(quiz_correct), SUM(commands)
FROM activity_daily GROUP BY platform, group_id, user_id, substr(day, 1, 7);
