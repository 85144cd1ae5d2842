-- 0002: quizzes (one open per channel), members' answers (one per question), practice state.
CREATE TABLE quizzes (
    id              INTEGER PRIMARY KEY,
    platform        TEXT NOT NULL,
    group_id        TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    thread_id       TEXT,
    group_key       TEXT NOT NULL,
    channel_key     TEXT NOT NULL,
    started_by      TEXT NOT NULL,
    started_by_name TEXT NOT NULL,
    label           TEXT NOT NULL,
    chapter         INTEGER,
    deck            TEXT,
    items           TEXT NOT NULL,
    seconds         INTEGER,
    speed_bonus     INTEGER NOT NULL DEFAULT 0,
    position        INTEGER NOT NULL DEFAULT 0,
    phase           TEXT NOT NULL CHECK (phase IN ('open', 'closed', 'finished')),
    question_at     TEXT NOT NULL,
    deadline        TEXT,
    started_at      TEXT NOT NULL,
    finished_at     TEXT
);

CREATE UNIQUE INDEX quizzes_one_running_per_channel ON quizzes (channel_key)
    WHERE phase <> 'finished';

CREATE INDEX quizzes_by_group ON quizzes (group_key, finished_at);

CREATE TABLE quiz_answers (
    quiz_id      INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    question     INTEGER NOT NULL,
    member       TEXT NOT NULL,
    display_name TEXT NOT NULL,
    given        TEXT NOT NULL,
    correct      INTEGER NOT NULL,
    points       INTEGER NOT NULL,
    answered_at  TEXT NOT NULL,
    PRIMARY KEY (quiz_id, question, member)
);

CREATE TABLE quiz_practice (
    member_key TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
