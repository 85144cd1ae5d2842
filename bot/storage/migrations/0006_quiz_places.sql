-- 0006: quizzes keyed by their place (thread included) and their book; practice keyed by
-- (platform, user_id) and its book; the close of each question recorded once.
--
-- `quizzes` is rebuilt without group_key/channel_key. quiz_answers references quizzes, so
-- it is rebuilt too: dropping `quizzes` while it still pointed there would cascade-delete
-- every answer. The renames carry the reference over to the new `quizzes`.
CREATE TABLE quizzes_new (
    id              INTEGER PRIMARY KEY,
    platform        TEXT NOT NULL,
    group_id        TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    thread_id       TEXT,
    book_id         TEXT,
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

INSERT INTO quizzes_new (id, platform, group_id, channel_id, thread_id, book_id, started_by,
    started_by_name, label, chapter, deck, items, seconds, speed_bonus, position, phase,
    question_at, deadline, started_at, finished_at)
SELECT id, platform, group_id, channel_id, thread_id, NULL, started_by, started_by_name, label,
    chapter, deck, items, seconds, speed_bonus, position, phase, question_at, deadline,
    started_at, finished_at
FROM quizzes;

CREATE TABLE quiz_answers_new (
    quiz_id      INTEGER NOT NULL REFERENCES quizzes_new (id) ON DELETE CASCADE,
    question     INTEGER NOT NULL,
    member       TEXT NOT NULL,
    display_name TEXT NOT NULL,
    given        TEXT NOT NULL,
    correct      INTEGER NOT NULL,
    points       INTEGER NOT NULL,
    answered_at  TEXT NOT NULL,
    PRIMARY KEY (quiz_id, question, member)
);

INSERT INTO quiz_answers_new (quiz_id, question, member, display_name, given, correct, points,
    answered_at)
SELECT quiz_id, question, member, display_name, given, correct, points, answered_at
FROM quiz_answers;

DROP TABLE quiz_answers;

DROP TABLE quizzes;

ALTER TABLE quizzes_new RENAME TO quizzes;

ALTER TABLE quiz_answers_new RENAME TO quiz_answers;

-- One running quiz per place: a thread's quiz and its parent channel's are two places.
CREATE UNIQUE INDEX quizzes_one_running_per_place
    ON quizzes (platform, group_id, channel_id, COALESCE(thread_id, ''))
    WHERE phase <> 'finished';

CREATE INDEX quizzes_by_group ON quizzes (platform, group_id, finished_at);

-- The close (reveal) of each question, once: the process whose close commits posts it.
CREATE TABLE quiz_reveals (
    quiz_id     INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    question    INTEGER NOT NULL,
    revealed_at TEXT NOT NULL,
    PRIMARY KEY (quiz_id, question)
);

-- Practice: "platform:user" keys become two columns. The platform is the part before the
-- FIRST colon (Matrix user ids hold colons of their own: "matrix:@erin:example.org").
CREATE TABLE quiz_practice_new (
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    book_id    TEXT,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);

INSERT INTO quiz_practice_new (platform, user_id, book_id, state, updated_at)
SELECT substr(member_key, 1, instr(member_key, ':') - 1),
    substr(member_key, instr(member_key, ':') + 1), NULL, state, updated_at
FROM quiz_practice
WHERE instr(member_key, ':') > 1;

DROP TABLE quiz_practice;

ALTER TABLE quiz_practice_new RENAME TO quiz_practice;
