"""Quiz sessions as a state machine. It does no I/O and never reads the time: every step
takes `now` and returns Replies or outcomes, so it can be tested alone, stored as rows and
resumed after a restart.

A session moves through its questions; each question is `open` (answers count), then
`closed` (revealed; the moderator moves on, or, in a hands-off quiz, the next question
comes at `next_at`), and the session ends `finished`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.content.answers import normalise
from bot.content.judging import judge, provenance, shown_answer
from bot.content.model import QuizItem
from bot.core.commands import UserError
from bot.core.refs import Place
from bot.core.replies import LETTERS, ChoiceSet, Field, Reply


class Phase(StrEnum):
    """Where a quiz stands; stored as its value in `quizzes.phase`."""

    OPEN = "open"  # the current question takes answers
    CLOSED = "closed"  # the current question is revealed; a moderator moves on
    FINISHED = "finished"


ANSWER_COMMAND = "answer"
WITHDRAW_COMMAND = "quiz withdraw"
# A question's token: q<quiz id>-<question number>.
_TOKEN = re.compile(r"q(\d{1,18})-\d{1,4}")
# What a finished quiz keeps of a free-text answer: never the words typed, only this
# (whether it was right and the points are kept beside it).
TYPED_ANSWER = "(typed answer)"
# The most names a reveal or a scoreboard lists (platforms limit a message's length).
SHOWN_NAMES = 25


@dataclass(frozen=True)
class Answer:
    """A member's current answer to one question (the last one given counts)."""

    member: str
    name: str
    given: str
    correct: bool
    points: int
    at: datetime


@dataclass(frozen=True)
class AnswerOutcome:
    answer: Answer
    question: int
    previous: Answer | None
    same: bool = False  # the member sent the answer they had already given: nothing changed

    @property
    def first(self) -> bool:
        return self.previous is None


@dataclass(frozen=True)
class Standing:
    rank: int
    tied: bool
    member: str
    name: str
    points: int
    right: int
    answered: int


@dataclass
class QuizSession:
    id: int
    place: Place
    started_by: str
    started_by_name: str
    items: list[QuizItem]
    label: str
    started_at: datetime
    question_at: datetime
    seconds: int | None = None
    chapter: int | None = None
    deck: str | None = None
    speed_bonus: bool = False
    book_id: str | None = None
    # Hands-off: a timed question is revealed when its time is up and the next one follows
    # at `next_at`, a pause after the reveal.
    auto: bool = False
    # The command prefix the quiz was started with: what a question it asks by itself shows.
    prefix: str = "/"
    position: int = 0
    phase: Phase = Phase.OPEN
    deadline: datetime | None = None
    finished_at: datetime | None = None
    next_at: datetime | None = None
    # answers[question index][member id]
    answers: dict[int, dict[str, Answer]] = field(default_factory=dict)

    # -- what it is --------------------------------------------------------------------

    @property
    def item(self) -> QuizItem:
        return self.items[self.position]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def token(self) -> str:
        """Names the current question in buttons and reactions: q<quiz>-<question>."""
        return f"q{self.id}-{self.position + 1}"

    def accepting(self, now: datetime) -> bool:
        return self.phase is Phase.OPEN and (self.deadline is None or now < self.deadline)

    def choice_set(self, closed: bool = False) -> ChoiceSet | None:
        options = self.item.options
        if not options:
            return None
        return ChoiceSet(options, ANSWER_COMMAND, self.token, WITHDRAW_COMMAND, closed=closed)

    # -- steps ------------------------------------------------------------------------

    def open_question(self, now: datetime) -> None:
        self.phase = Phase.OPEN
        self.question_at = now
        self.deadline = now + timedelta(seconds=self.seconds) if self.seconds else None

    def answer(
        self, member: str, name: str, raw: str, now: datetime, token: str | None = None
    ) -> AnswerOutcome:
        """Take a member's answer to the open question; raises UserError when refused."""
        if token is not None and (token != self.token or self.phase is not Phase.OPEN):
            raise UserError("That question has closed; your answer was not counted.")
        if not self.accepting(now):
            raise UserError(
                f"Too late: question {self.position + 1} has closed; your answer was not counted."
            )
        given, correct = judge(self.item, raw)
        points = 0
        if correct:
            points = 1
            quick = (now - self.question_at).total_seconds() * 3 <= (self.seconds or 0)
            if self.speed_bonus and quick:
                points += 1
        answer = Answer(member, name, given, correct, points, now)
        current = self.answers.setdefault(self.position, {})
        previous = current.get(member)
        if previous is not None and (
            previous.given == given
            or (self.item.kind == "text" and normalise(previous.given) == normalise(given))
        ):
            return AnswerOutcome(previous, self.position, previous, same=True)
        current[member] = answer
        return AnswerOutcome(answer, self.position, previous)

    def withdraw(self, member: str, now: datetime, token: str | None = None) -> Answer:
        if token is not None and (token != self.token or self.phase is not Phase.OPEN):
            raise UserError("That question has closed; your answer stands as it was.")
        if not self.accepting(now):
            raise UserError("Too late: the question has closed; your answer stands.")
        answer = self.answers.get(self.position, {}).pop(member, None)
        if answer is None:
            raise UserError("You have no answer to this question to withdraw.")
        return answer

    def close(self, now: datetime) -> list[Answer]:
        """Close the open question; returns the final answers that are right."""
        if self.phase is not Phase.OPEN:
            raise UserError(f"Question {self.position + 1} is already closed.")
        self.phase = Phase.CLOSED
        self.deadline = None
        self.next_at = None
        return [a for a in self.question_answers().values() if a.correct]

    def pause(self, now: datetime, seconds: int) -> bool:
        """In a hands-off quiz, after a reveal with questions left: the next one comes
        `seconds` from now (True); otherwise nothing changes (False)."""
        if not self.auto or self.phase is not Phase.CLOSED or self.position + 1 >= self.total:
            return False
        self.next_at = now + timedelta(seconds=seconds)
        return True

    def advance(self, now: datetime) -> bool:
        """Move past a closed question: open the next one (True) or finish (False)."""
        if self.phase is not Phase.CLOSED:
            raise UserError("Close the question first.")
        self.next_at = None
        if self.position + 1 >= self.total:
            self.phase = Phase.FINISHED
            self.finished_at = now
            return False
        self.position += 1
        self.open_question(now)
        return True

    def finish(self, now: datetime) -> None:
        self.phase = Phase.FINISHED
        self.deadline = None
        self.next_at = None
        self.finished_at = now

    # -- what members see ---------------------------------------------------------------

    def question_answers(self, position: int | None = None) -> dict[str, Answer]:
        return self.answers.get(self.position if position is None else position, {})

    def question_reply(self, prefix: str = "/") -> Reply:
        item = self.item
        if item.options:
            how = f"Answer with {prefix}answer and a letter, e.g. {prefix}answer A."
        else:
            how = f"Answer with {prefix}answer and your answer in words."
        if self.seconds:
            how += f" You have {self.seconds} seconds."
        if self.auto:
            how += " The answer is revealed then, and the next question follows by itself."
        return Reply(
            title=f"Question {self.position + 1} of {self.total} ({self.label})",
            text=item.question,
            choices=self.choice_set(),
            footer=how,
            tags=frozenset({"quiz-question"}),
        )

    def reveal_reply(self) -> Reply:
        item = self.item
        answers = self.question_answers()
        right = sorted((a.name for a in answers.values() if a.correct), key=str.casefold)
        shown = ", ".join(right[:SHOWN_NAMES]) if right else "nobody"
        if len(right) > SHOWN_NAMES:
            shown += f" and {len(right) - SHOWN_NAMES} more"
        fields = (
            Field("Answers", str(len(answers)), inline=True),
            Field("Right", shown, inline=True),
        )
        return Reply(
            title=f"Question {self.position + 1} of {self.total}: the answer",
            text=f"{item.question}\nAnswer: {shown_answer(item)}\n\n{item.explanation}\n\n"
            f"{provenance(item)}",
            fields=fields,
            choices=self.choice_set(closed=True),
            tags=frozenset({"quiz-reveal"}),
        )

    def standings(self) -> list[Standing]:
        totals: dict[str, list[int]] = {}
        names: dict[str, str] = {}
        for position in sorted(self.answers):
            for member, answer in self.answers[position].items():
                entry = totals.setdefault(member, [0, 0, 0])
                entry[0] += answer.points
                entry[1] += int(answer.correct)
                entry[2] += 1
                names[member] = answer.name
        order = sorted(totals, key=lambda m: (-totals[m][0], -totals[m][1], names[m].casefold()))
        same: dict[int, int] = {}
        for entry in totals.values():
            same[entry[0]] = same.get(entry[0], 0) + 1
        out: list[Standing] = []
        for i, member in enumerate(order):
            points = totals[member][0]
            rank = out[-1].rank if out and out[-1].points == points else i + 1
            tied = same[points] > 1
            out.append(Standing(rank, tied, member, names[member], points, *totals[member][1:]))
        return out

    def results_reply(self, stopped: bool = False) -> Reply:
        lines = []
        standings = self.standings()
        for s in standings[:SHOWN_NAMES]:
            rank = f"{s.rank}=" if s.tied else f"{s.rank}."
            noun = "point" if s.points == 1 else "points"
            lines.append(f"{rank} {s.name}: {s.points} {noun} ({s.right} of {s.answered} right)")
        asked = self.position + 1 if self.phase is not Phase.OPEN or stopped else self.position
        if len(standings) > SHOWN_NAMES:
            lines.append(f"...and {len(standings) - SHOWN_NAMES} more")
        text = "\n".join(lines) if lines else "Nobody answered."
        how = "stopped early" if stopped else "finished"
        return Reply(
            title=f"Quiz {how}: results ({self.label})",
            text=text,
            footer=f"{asked} of {self.total} questions asked",
            tags=frozenset({"quiz-results"}),
        )

    def status_text(self, now: datetime, prefix: str = "/") -> str:
        hands_off = ", hands-off" if self.auto else ""
        where = f"Quiz on {self.label}{hands_off}, started by {self.started_by_name}: "
        n = self.position + 1
        count = len(self.question_answers())
        if self.phase is Phase.OPEN:
            left = ""
            if self.deadline is not None:
                seconds = max(0, int((self.deadline - now).total_seconds()))
                left = f", closes in {seconds} s"
            options = "".join(
                f"\n{LETTERS[i]}) {option}" for i, option in enumerate(self.item.options)
            )
            return (
                f"{where}question {n} of {self.total} is open{left}; {count} answer(s) so far."
                f"\n\n{self.item.question}{options}"
            )
        if self.phase is Phase.CLOSED and self.next_at is not None:
            seconds = max(0, int((self.next_at - now).total_seconds()))
            return (
                f"{where}question {n} of {self.total} is closed; "
                f"question {n + 1} comes in {seconds} s."
            )
        if self.phase is Phase.CLOSED:
            return (
                f"{where}question {n} of {self.total} is closed; "
                f"a moderator moves on with {prefix}quiz next."
            )
        return f"{where}finished."

    # -- storage ----------------------------------------------------------------------

    def items_json(self) -> str:
        return json.dumps([item.model_dump(mode="json") for item in self.items])


def items_from_json(text: str) -> list[QuizItem]:
    return [QuizItem.model_validate(raw) for raw in json.loads(text)]


def quiz_of_token(token: str) -> int | None:
    """The quiz id a question's token names, or None when it names no group quiz."""
    match = _TOKEN.fullmatch(token)
    return int(match[1]) if match else None


def with_footer(reply: Reply, footer: str) -> Reply:
    return replace(reply, footer=footer)


def describe(items: Sequence[QuizItem]) -> str:
    kinds = sorted({i.kind for i in items})
    return ", ".join(kinds)
