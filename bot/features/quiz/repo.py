"""Quizzes, answers and practice state in SQL. Rows become QuizSession and Answer values.

Datetimes are stored as ISO 8601 text in UTC, so they sort and compare as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.content.model import QuizItem
from bot.core.refs import GroupRef, MemberRef, Place
from bot.features.quiz.model import TYPED_ANSWER, Answer, Phase, QuizSession, items_from_json
from bot.storage.db import Database, Row


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
    """The quizzes' SQL. Decisions are taken by the service inside `db.transaction()`; the
    reads it makes there lock the quiz row (`db.for_update`) where the database needs it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # A quiz's items never change once stored: parsed once per process, by quiz id.
        self._items: dict[int, list[QuizItem]] = {}

    # -- group quizzes ------------------------------------------------------------------

    async def create(self, session: QuizSession) -> int:
        """Store a new running quiz; IntegrityError when its place already has one."""
        place = session.place
        quiz_id = await self.db.fetchval(
            "INSERT INTO quizzes (platform, group_id, channel_id, thread_id, book_id, "
            "started_by, started_by_name, label, chapter, deck, items, seconds, speed_bonus, "
            "position, phase, question_at, deadline, started_at, auto, prefix) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                place.platform,
                place.group_id,
                place.channel_id,
                place.thread_id,
                session.book_id,
                session.started_by,
                session.started_by_name,
                session.label,
                session.chapter,
                session.deck,
                session.items_json(),
                session.seconds,
                int(session.speed_bonus),
                session.position,
                session.phase.value,
                iso(session.question_at),
                iso(session.deadline),
                iso(session.started_at),
                int(session.auto),
                session.prefix,
            ),
        )
        self._items[int(quiz_id)] = list(session.items)
        return int(quiz_id)

    async def running_at(self, place: Place) -> QuizSession | None:
        """The quiz running in this place (a thread is a place of its own), answers not
        loaded. Inside a transaction it locks the quiz row where the database needs it."""
        sql = _SELECT + _AT_PLACE + self.db.for_update
        row = await self.db.fetchrow(sql, _place_params(place))
        return await self._session(row) if row is not None else None

    async def by_id(self, quiz_id: int) -> QuizSession | None:
        """A quiz by its id, whatever its phase, answers not loaded (locked like running_at)."""
        row = await self.db.fetchrow(_SELECT + " WHERE id = ?" + self.db.for_update, (quiz_id,))
        return await self._session(row) if row is not None else None

    async def for_answer(
        self, where: Place | int, member: str
    ) -> tuple[QuizSession, Answer | None] | None:
        """The quiz running in a place (or the quiz with this id, in any phase) with the
        member's answer to its current question, in one read: the answer path's."""
        params: tuple[object, ...]
        if isinstance(where, Place):
            sql, params = _FOR_ANSWER + _AT_PLACE_Q, (member, *_place_params(where))
        else:
            sql, params = _FOR_ANSWER + " WHERE q.id = ?", (member, where)
        row = await self.db.fetchrow(sql, params)
        if row is None:
            return None
        own = _answer(row, "a_") if row["a_member"] is not None else None
        return await self._session(row), own

    async def save_answer_if_open(
        self, session: QuizSession, question: int, answer: Answer
    ) -> bool:
        """Store the answer only if its question is still the quiz's open one, in one
        statement: False when it closed (or moved on) since the quiz was read."""
        changed = await self.db.execute(
            # Shared: answers go in side by side; a close (an UPDATE) waits for them.
            _UPSERT_IF_OPEN + self.db.for_share + ")" + _ON_ANSWER_CONFLICT,
            (*_answer_params(session.id, question, answer), session.id, question),
        )
        return changed == 1

    async def load_answers(self, session: QuizSession, question: int | None = None) -> None:
        """Fill in the session's stored answers: of every question, or of one."""
        if question is None:
            rows = await self.db.fetch(
                "SELECT * FROM quiz_answers WHERE quiz_id = ? ORDER BY question, answered_at",
                (session.id,),
            )
        else:
            rows = await self.db.fetch(
                "SELECT * FROM quiz_answers WHERE quiz_id = ? AND question = ? "
                "ORDER BY answered_at",
                (session.id, question),
            )
        session.answers = {}
        for row in rows:
            session.answers.setdefault(int(row["question"]), {})[row["member"]] = _answer(row)

    async def answer_of(self, quiz_id: int, question: int, member: str) -> Answer | None:
        row = await self.db.fetchrow(
            "SELECT * FROM quiz_answers WHERE quiz_id = ? AND question = ? AND member = ?",
            (quiz_id, question, member),
        )
        return _answer(row) if row is not None else None

    async def save_state(self, session: QuizSession, position: int, phase: Phase) -> bool:
        """Store where the quiz stands, only if it still stands where it was read
        (`position`, `phase`); False when another writer moved it first. When it has
        finished, the typed answers to its free-text questions are replaced by
        TYPED_ANSWER: only whether they were right (and their points) is kept."""
        changed = await self.db.execute(
            "UPDATE quizzes SET position = ?, phase = ?, question_at = ?, deadline = ?, "
            "next_at = ?, finished_at = ? WHERE id = ? AND position = ? AND phase = ?",
            (
                session.position,
                session.phase.value,
                iso(session.question_at),
                iso(session.deadline),
                iso(session.next_at),
                iso(session.finished_at),
                session.id,
                position,
                phase.value,
            ),
        )
        if changed and session.phase is Phase.FINISHED:
            typed = [i for i, item in enumerate(session.items) if item.kind == "text"]
            await self.db.executemany(
                "UPDATE quiz_answers SET given = ? WHERE quiz_id = ? AND question = ?",
                [(TYPED_ANSWER, session.id, question) for question in typed],
            )
        return changed == 1

    async def record_reveal(self, quiz_id: int, question: int, now: datetime) -> None:
        """Note that the question closed; IntegrityError if it had closed already."""
        await self.db.execute(
            "INSERT INTO quiz_reveals (quiz_id, question, revealed_at) VALUES (?, ?, ?)",
            (quiz_id, question, iso(now)),
        )

    async def delete_answer(self, quiz_id: int, question: int, member: str) -> None:
        await self.db.execute(
            "DELETE FROM quiz_answers WHERE quiz_id = ? AND question = ? AND member = ?",
            (quiz_id, question, member),
        )

    async def running(self) -> list[QuizSession]:
        """Every quiz not finished, answers not loaded (to arm timers at start)."""
        rows = await self.db.fetch(_SELECT + " WHERE phase <> 'finished' ORDER BY id")
        return [await self._session(row) for row in rows]

    async def due_times(self) -> list[tuple[int, int, datetime]]:
        """(quiz id, position, when) of every step waiting for a time, in any place: an
        open timed question's deadline, a hands-off quiz's next question after a reveal."""
        rows = await self.db.fetch(
            "SELECT id, position, deadline, next_at FROM quizzes "
            "WHERE (phase = 'open' AND deadline IS NOT NULL) "
            "OR (phase = 'closed' AND next_at IS NOT NULL)"
        )
        out = []
        for row in rows:
            when = from_iso(row["deadline"] or row["next_at"])
            if when is not None:
                out.append((int(row["id"]), int(row["position"]), when))
        return sorted(out, key=lambda due: due[2])

    async def adopt_book(self, book_id: str) -> None:
        """Quizzes and practice stored before quizzes recorded their book belong to this
        one (the default book of the config)."""
        await self.db.execute("UPDATE quizzes SET book_id = ? WHERE book_id IS NULL", (book_id,))
        await self.db.execute(
            "UPDATE quiz_practice SET book_id = ? WHERE book_id IS NULL", (book_id,)
        )

    async def leaderboard(
        self,
        group: GroupRef,
        chapter: int | None = None,
        book_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[LeaderRow]:
        """The answers to a group's revealed questions, per member: games, right answers,
        answers, points; of one chapter of one book when both are given; of questions
        revealed from `since` to before `until` when given. A withdrawn answer is no row,
        a changed one is its last: only final answers count, as in `stats`."""
        params = (
            group.platform,
            group.group_id,
            chapter,
            chapter,
            book_id,
            book_id,
            iso(since),
            iso(since),
            iso(until),
            iso(until),
        )
        totals = await self.db.fetch(_LEADER_TOTALS, params)
        names = {r[0]: r[1] for r in await self.db.fetch(_LEADER_NAMES, params)}
        rows = [
            LeaderRow(r[0], names.get(r[0], r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]))
            for r in totals
        ]
        rows.sort(key=lambda r: (-r.points, -r.right, -r.accuracy, r.name.casefold()))
        return rows

    # -- practice ---------------------------------------------------------------------

    async def practice(self, member: MemberRef) -> str | None:
        row = await self.db.fetchrow(
            "SELECT state FROM quiz_practice WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
        return str(row[0]) if row else None

    async def save_practice(
        self, member: MemberRef, book_id: str | None, state: str, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO quiz_practice (platform, user_id, book_id, state, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "book_id = excluded.book_id, state = excluded.state, "
            "updated_at = excluded.updated_at",
            (member.platform, member.user_id, book_id, state, iso(now)),
        )

    async def save_practice_state(self, member: MemberRef, state: str, now: datetime) -> None:
        """Store how far a practice game has gone (its book stays as it was)."""
        await self.db.execute(
            "UPDATE quiz_practice SET state = ?, updated_at = ? WHERE platform = ? AND user_id = ?",
            (state, iso(now), member.platform, member.user_id),
        )

    async def delete_practice(self, member: MemberRef) -> None:
        await self.db.execute(
            "DELETE FROM quiz_practice WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )

    # -- privacy ------------------------------------------------------------------------

    async def first_reveal(self, group: GroupRef) -> datetime | None:
        """When the group's first question was revealed (the start of `all`)."""
        first = await self.db.fetchval(
            "SELECT MIN(r.revealed_at) FROM quiz_reveals r JOIN quizzes q ON q.id = r.quiz_id "
            "WHERE q.platform = ? AND q.group_id = ?",
            (group.platform, group.group_id),
        )
        return from_iso(first)

    async def member_answers(self, member: MemberRef) -> tuple[int, int]:
        """How many answers and finished quizzes of this member are kept."""
        row = await self.db.fetchrow(_MEMBER_ANSWERS, (member.user_id, member.platform))
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def forget_member(self, member: MemberRef) -> None:
        """Delete the member's answers (in finished quizzes and in running ones: the
        running quiz then counts without them), their practice game, and their id and
        name as the starter of a quiz (the quiz stays, started by "someone")."""
        async with self.db.transaction():
            await self.db.execute(_FORGET_MEMBER, (member.user_id, member.platform))
            await self.delete_practice(member)
            await self.db.execute(
                "UPDATE quizzes SET started_by = '', started_by_name = ? "
                "WHERE platform = ? AND started_by = ?",
                (FORGOTTEN_STARTER, member.platform, member.user_id),
            )

    async def _session(self, row: Row) -> QuizSession:
        quiz_id = int(row["id"])
        items = self._items.get(quiz_id)
        if items is None:
            text = await self.db.fetchval("SELECT items FROM quizzes WHERE id = ?", (quiz_id,))
            items = self._items[quiz_id] = items_from_json(text)
        return _session(row, items)


# A quiz's columns but its items (parsed once per process and kept: they never change).
_COLUMNS = (
    "id, platform, group_id, channel_id, thread_id, book_id, started_by, started_by_name, "
    "label, chapter, deck, seconds, speed_bonus, position, phase, question_at, deadline, "
    "started_at, finished_at, auto, next_at, prefix"
)
_SELECT = "SELECT " + _COLUMNS + " FROM quizzes"  # noqa: S608 (constant text)
# The quiz running in a place; a thread is a place apart from its channel.
_AT_PLACE = (
    " WHERE platform = ? AND group_id = ? AND channel_id = ? "
    "AND COALESCE(thread_id, '') = ? AND phase <> 'finished'"
)
_AT_PLACE_Q = (
    " WHERE q.platform = ? AND q.group_id = ? AND q.channel_id = ? "
    "AND COALESCE(q.thread_id, '') = ? AND q.phase <> 'finished'"
)
# The quiz and the member's answer to its current question.
_FOR_ANSWER = (
    "SELECT "
    + ", ".join(f"q.{c.strip()}" for c in _COLUMNS.split(","))
    + ", a.member AS a_member, a.display_name AS a_display_name, a.given AS a_given, "
    "a.correct AS a_correct, a.points AS a_points, a.answered_at AS a_answered_at "
    "FROM quizzes q LEFT JOIN quiz_answers a "
    "ON a.quiz_id = q.id AND a.question = q.position AND a.member = ?"
)
# An answer written only while its question is the quiz's open one (the subquery locks the
# quiz row on PostgreSQL, so a close waits for it or it waits for the close).
_UPSERT_IF_OPEN = (
    "INSERT INTO quiz_answers (quiz_id, question, member, display_name, given, correct, "
    "points, answered_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM quizzes "
    "WHERE id = ? AND position = ? AND phase = 'open'"
)
_ON_ANSWER_CONFLICT = (
    " ON CONFLICT (quiz_id, question, member) DO UPDATE SET "
    "display_name = excluded.display_name, given = excluded.given, "
    "correct = excluded.correct, points = excluded.points, "
    "answered_at = excluded.answered_at"
)

# A member's answers in the finished quizzes of one platform's groups.
_MEMBER_ANSWERS = (
    "SELECT COUNT(*), COUNT(DISTINCT quiz_id) FROM quiz_answers WHERE member = ? AND quiz_id IN "
    "(SELECT id FROM quizzes WHERE platform = ? AND phase = 'finished')"
)
_FORGET_MEMBER = (
    "DELETE FROM quiz_answers WHERE member = ? AND quiz_id IN "
    "(SELECT id FROM quizzes WHERE platform = ?)"
)
# Who started a quiz, once they deleted what was kept about them.
FORGOTTEN_STARTER = "someone"

# The answers to a group's revealed questions (an answer counts from its question's
# reveal, when `stats` counts it too), optionally of one chapter, of one book and revealed
# within [since, until). ISO texts in UTC compare as the instants they name.
# (The casts tell PostgreSQL the type of a parameter that is only tested for NULL.)
_LEADER_FROM = (
    "FROM quiz_answers a JOIN quizzes q ON q.id = a.quiz_id "
    "JOIN quiz_reveals r ON r.quiz_id = a.quiz_id AND r.question = a.question "
    "WHERE q.platform = ? AND q.group_id = ? "
    "AND (CAST(? AS INTEGER) IS NULL OR q.chapter = ?) "
    "AND (CAST(? AS TEXT) IS NULL OR q.book_id = ?) "
    "AND (CAST(? AS TEXT) IS NULL OR r.revealed_at >= ?) "
    "AND (CAST(? AS TEXT) IS NULL OR r.revealed_at < ?)"
)
_LEADER_TOTALS = (
    "SELECT a.member, COUNT(DISTINCT a.quiz_id), SUM(a.correct), COUNT(*), SUM(a.points) "
    + _LEADER_FROM
    + " GROUP BY a.member"
)
_LEADER_NAMES = "SELECT a.member, a.display_name " + _LEADER_FROM + " ORDER BY a.answered_at"


def _answer_params(quiz_id: int, question: int, a: Answer) -> tuple[Any, ...]:
    return (quiz_id, question, a.member, a.name, a.given, int(a.correct), a.points, iso(a.at))


def _place_params(place: Place) -> tuple[str, str, str, str]:
    return (place.platform, place.group_id, place.channel_id, place.thread_id or "")


def _answer(row: Row, prefix: str = "") -> Answer:
    return Answer(
        member=row[prefix + "member"],
        name=row[prefix + "display_name"],
        given=row[prefix + "given"],
        correct=bool(row[prefix + "correct"]),
        points=int(row[prefix + "points"]),
        at=datetime.fromisoformat(row[prefix + "answered_at"]),
    )


def _session(row: Row, items: list[QuizItem]) -> QuizSession:
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
        items=items,
        label=row["label"],
        started_at=started_at,
        question_at=question_at,
        seconds=row["seconds"],
        chapter=row["chapter"],
        deck=row["deck"],
        speed_bonus=bool(row["speed_bonus"]),
        book_id=row["book_id"],
        position=int(row["position"]),
        phase=Phase(row["phase"]),
        deadline=from_iso(row["deadline"]),
        finished_at=from_iso(row["finished_at"]),
        auto=bool(row["auto"]),
        next_at=from_iso(row["next_at"]),
        prefix=row["prefix"],
    )
