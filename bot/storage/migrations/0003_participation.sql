-- 0003: participation: daily activity counts (never message text), members' names, reading plans, check-ins, opt-outs.
CREATE TABLE activity_daily (
    day            TEXT NOT NULL,
    platform       TEXT NOT NULL,
    group_id       TEXT NOT NULL,
    channel_id     TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    chapter        INTEGER NOT NULL DEFAULT 0,
    messages       INTEGER NOT NULL DEFAULT 0,
    thread_replies INTEGER NOT NULL DEFAULT 0,
    reactions      INTEGER NOT NULL DEFAULT 0,
    quiz_answers   INTEGER NOT NULL DEFAULT 0,
    quiz_correct   INTEGER NOT NULL DEFAULT 0,
    commands       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, group_id, day, user_id, channel_id, chapter)
);

CREATE INDEX activity_daily_user ON activity_daily (platform, user_id, day);

CREATE TABLE participants (
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);

CREATE TABLE reading_plans (
    id        INTEGER PRIMARY KEY,
    platform  TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    chapter   INTEGER,
    due       TEXT,
    set_at    TEXT NOT NULL
);

CREATE INDEX reading_plans_group ON reading_plans (platform, group_id, id);

CREATE TABLE reading_checkins (
    platform  TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    chapter   INTEGER NOT NULL,
    day       TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (platform, group_id, user_id, chapter)
);

CREATE TABLE participation_optouts (
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    since     TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);
