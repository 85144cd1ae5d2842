-- 0015: hands-off quizzes (`quiz start ... auto`). `auto` says the quiz moves on by itself;
-- `next_at` is when a revealed question of such a quiz gives way to the next one (stored,
-- so a restart keeps the pause it was in).
ALTER TABLE quizzes ADD COLUMN auto INTEGER NOT NULL DEFAULT 0;
ALTER TABLE quizzes ADD COLUMN next_at TEXT;
