"""Quizzes, answers and practice state in SQL. Rows become QuizSession and Answer values.

Datetimes are stored as ISO 8601 text in UTC, so they sort and compare as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.core.refs import Place
from bot.features.quiz.model import TYPED_ANSWER, Answer, QuizSession, items_from_json
from bot.storage.db import Database, IntegrityError, Row


def iso(when: datetime | None) -> str | None:
    return when.astimezone(UTC).isoformat() if when is not None else None


def from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class LeaderRow:
    member: str
    name: str
    games: int
    right: int
    answered: int
    points: int

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0


class QuizRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, session: QuizSession) -> int | None:
        """Store a new running quiz; None when the channel already has one running."""
        place = session.place
        try:
            quiz_id = await self.db.fetchval(
                "INSERT INTO quizzes (platform, group_id, channel_id, thread_id, group_key, "
                "channel_key, started_by, started_by_name, label, chapter, deck, items, seconds, "
                "speed_bonus, position, phase, question_at, deadline, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    place.platform,
                    place.group_id,
                    place.channel_id,
                    place.thread_id,
                    place.group_key,
                    place.channel_key,
                    session.started_by,
                    session.started_by_name,
                    session.label,
                    session.chapter,
                    session.deck,
                    session.items_json(),
                    session.seconds,
                    int(session.speed_bonus),
                    session.position,
                    session.phase,
                    iso(session.question_at),
                    iso(session.deadline),
                    iso(session.started_at),
                ),
            )
        except IntegrityError:
            return None
        return int(quiz_id)

    async def save_state(self, session: QuizSession) -> None:
        """Store where the quiz stands. When it has finished, the typed answers to its
        free-text questions are first replaced by TYPED_ANSWER: only whether they were
        right (and their points) is kept. (Scrubbed first: should the bot stop between the
        two statements, the quiz resumes unfinished with its scores intact, and no finished
        quiz ever keeps typed words. No BEGIN here: the connection is shared.)"""
        if session.phase == "finished":
            typed = [i for i, item in enumerate(session.items) if item.kind == "text"]
            await self.db.executemany(
                "UPDATE quiz_answers SET given = ? WHERE quiz_id = ? AND question = ?",
                [(TYPED_ANSWER, session.id, question) for question in typed],
            )
        await self.db.execute(
            "UPDATE quizzes SET position = ?, phase = ?, question_at = ?, deadline = ?, "
            "finished_at = ? WHERE id = ?",
            (
                session.position,
                session.phase,
                iso(session.question_at),
                iso(session.deadline),
                iso(session.finished_at),
                session.id,
            ),
        )

    async def save_answer(self, quiz_id: int, question: int, answer: Answer) -> None:
        """One row per member per question: a changed answer replaces the earlier one."""
        await self.db.execute(
            "INSERT INTO quiz_answers (quiz_id, question, member, display_name, given, correct, "
            "points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (quiz_id, question, member) DO UPDATE SET "
            "display_name = excluded.display_name, given = excluded.given, "
            "correct = excluded.correct, points = excluded.points, "
            "answered_at = excluded.answered_at",
            _answer_params(quiz_id, question, answer),
        )

    async def delete_answer(self, quiz_id: int, question: int, member: str) -> None:
        await self.db.execute(
            "DELETE FROM quiz_answers WHERE quiz_id = ? AND question = ? AND member = ?",
            (quiz_id, question, member),
        )

    async def running(self) -> list[QuizSession]:
        """Every quiz not finished, with the answers given so far (to resume after a restart)."""
        rows = await self.db.fetch("SELECT * FROM quizzes WHERE phase <> 'finished' ORDER BY id")
        sessions = []
        for row in rows:
            session = _session(row)
            for a in await self.db.fetch(
                "SELECT * FROM quiz_answers WHERE quiz_id = ? ORDER BY question, answered_at",
                (session.id,),
            ):
                session.answers.setdefault(int(a["question"]), {})[a["member"]] = Answer(
                    member=a["member"],
                    name=a["display_name"],
                    given=a["given"],
                    correct=bool(a["correct"]),
                    points=int(a["points"]),
                    at=datetime.fromisoformat(a["answered_at"]),
                )
            sessions.append(session)
        return sessions

    async def leaderboard(
        self, group_key: str, chapter: int | None = None, since: datetime | None = None
    ) -> list[LeaderRow]:
        """Finished quizzes of a group: per member games, right answers, answers, points."""
        params = (group_key, chapter, chapter, iso(since), iso(since))
        totals = await self.db.fetch(_LEADER_TOTALS, params)
        names = {r[0]: r[1] for r in await self.db.fetch(_LEADER_NAMES, params)}
        rows = [
            LeaderRow(r[0], names.get(r[0], r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]))
            for r in totals
        ]
        rows.sort(key=lambda r: (-r.points, -r.right, -r.accuracy, r.name.casefold()))
        return rows

    # -- practice ---------------------------------------------------------------------

    async def practice(self, member_key: str) -> str | None:
        row = await self.db.fetchrow(
            "SELECT state FROM quiz_practice WHERE member_key = ?", (member_key,)
        )
        return str(row[0]) if row else None

    async def save_practice(self, member_key: str, state: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO quiz_practice (member_key, state, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (member_key) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at",
            (member_key, state, iso(now)),
        )

    async def delete_practice(self, member_key: str) -> None:
        await self.db.execute("DELETE FROM quiz_practice WHERE member_key = ?", (member_key,))

    # -- privacy ------------------------------------------------------------------------

    async def member_answers(self, platform: str, user_id: str) -> tuple[int, int]:
        """How many answers and finished quizzes of this member are kept."""
        row = await self.db.fetchrow(_MEMBER_ANSWERS, (user_id, f"{platform}:%"))
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def forget_member(self, platform: str, user_id: str) -> None:
        """Delete the member's answers in finished quizzes and their practice game.

        An answer to a quiz still running stays until that quiz ends, so the running
        tally in memory and the stored one never disagree.
        """
        await self.db.execute(_FORGET_MEMBER, (user_id, f"{platform}:%"))
        await self.delete_practice(f"{platform}:{user_id}")


# A member's answers in the finished quizzes of one platform's groups ("platform:%").
_MEMBER_ANSWERS = (
    "SELECT COUNT(*), COUNT(DISTINCT quiz_id) FROM quiz_answers WHERE member = ? AND quiz_id IN "
    "(SELECT id FROM quizzes WHERE group_key LIKE ? AND phase = 'finished')"
)
_FORGET_MEMBER = (
    "DELETE FROM quiz_answers WHERE member = ? AND quiz_id IN "
    "(SELECT id FROM quizzes WHERE group_key LIKE ? AND phase = 'finished')"
)

# Finished quizzes of a group, optionally of one chapter and since a time.
_LEADER_TOTALS = (
    "SELECT a.member, COUNT(DISTINCT a.quiz_id), SUM(a.correct), COUNT(*), SUM(a.points) "
    "FROM quiz_answers a JOIN quizzes q ON q.id = a.quiz_id "
    "WHERE q.group_key = ? AND q.phase = 'finished' AND (? IS NULL OR q.chapter = ?) "
    "AND (? IS NULL OR q.finished_at >= ?) GROUP BY a.member"
)
_LEADER_NAMES = (
    "SELECT a.member, a.display_name FROM quiz_answers a JOIN quizzes q ON q.id = a.quiz_id "
    "WHERE q.group_key = ? AND q.phase = 'finished' AND (? IS NULL OR q.chapter = ?) "
    "AND (? IS NULL OR q.finished_at >= ?) ORDER BY a.answered_at"
)


def _answer_params(quiz_id: int, question: int, a: Answer) -> tuple[Any, ...]:
    return (quiz_id, question, a.member, a.name, a.given, int(a.correct), a.points, iso(a.at))


def _session(row: Row) -> QuizSession:
    place = Place(row["platform"], row["group_id"], row["channel_id"], row["thread_id"])
    question_at = from_iso(row["question_at"])
    started_at = from_iso(row["started_at"])
    assert question_at is not None  # a NOT NULL column
    assert started_at is not None  # a NOT NULL column
    return QuizSession(
        id=int(row["id"]),
        place=place,
        started_by=row["started_by"],
        started_by_name=row["started_by_name"],
        items=items_from_json(row["items"]),
        label=row["label"],
        started_at=started_at,
        question_at=question_at,
        seconds=row["seconds"],
        chapter=row["chapter"],
        deck=row["deck"],
        speed_bonus=bool(row["speed_bonus"]),
        position=int(row["position"]),
        phase=row["phase"],
        deadline=from_iso(row["deadline"]),
        finished_at=from_iso(row["finished_at"]),
    )
