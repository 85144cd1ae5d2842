-- 0015: hands-off quizzes (`quiz start ... auto`). `auto` says the quiz moves on by itself;
-- `next_at` is when a revealed question of such a quiz gives way to the next one (stored,
-- so a restart keeps the pause it was in); `prefix` is the one the quiz was started with
-- (`/` or `!`), which the questions the quiz asks by itself name commands with.
ALTER TABLE quizzes ADD COLUMN auto INTEGER NOT NULL DEFAULT 0;
ALTER TABLE quizzes ADD COLUMN next_at TEXT;
ALTER TABLE quizzes ADD COLUMN prefix TEXT NOT NULL DEFAULT '/';

-- An answer counts (on the leaderboard, as in `stats`) from its question's reveal. Quizzes
-- finished before reveals were recorded (0006) get theirs now, at the quiz's end.
INSERT INTO quiz_reveals (quiz_id, question, revealed_at)
SELECT DISTINCT a.quiz_id, a.question, q.finished_at
FROM quiz_answers a JOIN quizzes q ON q.id = a.quiz_id
WHERE q.phase = 'finished' AND q.finished_at IS NOT NULL
    AND NOT EXISTS (
        SELECT 1 FROM quiz_reveals r WHERE r.quiz_id = a.quiz_id AND r.question = a.question
    );
