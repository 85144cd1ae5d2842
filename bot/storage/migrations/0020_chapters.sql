-- 0020: chapter discussions. One thread per chapter of a group's book (the row is claimed
-- before the platform opens it, so two processes never open two); polls (a chapter's
-- "How far are you?" and moderators' decisions) with their votes by option; and, per
-- member of a chapter's thread, counts only: messages, quiz answers and right answers.
CREATE TABLE chapter_threads (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    group_id     TEXT NOT NULL,
    channel_id   TEXT NOT NULL,
    book_id      TEXT NOT NULL,
    chapter      INTEGER NOT NULL,
    thread_key   TEXT,
    thread_channel TEXT,
    thread_id    TEXT,
    link         TEXT,
    opened_at    INTEGER NOT NULL,
    closed_at    INTEGER,
    UNIQUE (platform, group_id, book_id, chapter)
);

CREATE INDEX chapter_threads_key ON chapter_threads (thread_key);

CREATE TABLE chapter_polls (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    group_id     TEXT NOT NULL,
    channel_id   TEXT NOT NULL,
    thread_id    TEXT,
    poll_id      TEXT,
    thread       INTEGER REFERENCES chapter_threads (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    question     TEXT NOT NULL,
    options      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    ended_at     INTEGER
);

CREATE INDEX chapter_polls_platform_id ON chapter_polls (platform, poll_id);

CREATE TABLE chapter_poll_votes (
    poll     INTEGER NOT NULL REFERENCES chapter_polls (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL,
    choice   INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (poll, user_id, choice)
);

CREATE TABLE chapter_members (
    thread    INTEGER NOT NULL REFERENCES chapter_threads (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL,
    messages  INTEGER NOT NULL,
    answers   INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    PRIMARY KEY (thread, user_id)
);
