"""What a chapter discussion is made of, as plain values: its thread, its polls, the
opening message, the poll's options, the agenda and the recap. No I/O here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.content.model import Book, Chapter
from bot.core.refs import GroupRef, Place
from bot.core.replies import Field, Reply
from bot.core.threads import POLL_OPTION_MAX, POLL_QUESTION_MAX, PollSpec
from bot.storage.db import Row

CHECKIN = "checkin"  # a chapter's "How far are you?" poll
DECISION = "decision"  # a moderator's poll

# The opening poll's options; a vote for the first checks the member in.
FINISHED = 0
PROGRESS_OPTIONS = ("More than half", "Less than half", "Not started yet")
WARMUP_QUESTIONS = 5


def place_key(place: Place) -> str:
    """One text key for a place (its thread included), to find a thread by where a
    message was written."""
    return json.dumps([place.platform, place.group_id, place.channel_id, place.thread_id])


def epoch(at: datetime) -> int:
    return int(at.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass(frozen=True)
class ChapterThread:
    id: int
    group: GroupRef
    channel_id: str
    book_id: str
    chapter: int
    thread: Place | None  # None while it is being opened
    link: str | None
    opened_at: int
    closed_at: int | None

    @classmethod
    def from_row(cls, row: Row) -> ChapterThread:
        thread = None
        if row["thread_channel"] is not None:
            thread = Place(
                row["platform"], row["group_id"], row["thread_channel"], row["thread_id"]
            )
        return cls(
            int(row["id"]),
            GroupRef(row["platform"], row["group_id"]),
            row["channel_id"],
            row["book_id"],
            int(row["chapter"]),
            thread,
            row["link"],
            int(row["opened_at"]),
            row["closed_at"],
        )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class Poll:
    id: int
    place: Place
    poll_id: str | None  # the platform's id (a message or event id); None on the console
    thread: int | None
    kind: str
    question: str
    options: tuple[str, ...]
    created_at: int
    ends_at: int
    ended_at: int | None

    @classmethod
    def from_row(cls, row: Row) -> Poll:
        return cls(
            int(row["id"]),
            Place(row["platform"], row["group_id"], row["channel_id"], row["thread_id"]),
            row["poll_id"],
            row["thread"],
            row["kind"],
            row["question"],
            tuple(json.loads(row["options"])),
            int(row["created_at"]),
            int(row["ends_at"]),
            row["ended_at"],
        )


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def progress_poll(book: Book, chapter: Chapter, hours: int) -> PollSpec:
    """The opening message's poll: how far each member is in the chapter."""
    return PollSpec(
        question=clip(f"How far are you in chapter {chapter.number}?", POLL_QUESTION_MAX),
        options=(clip(f"Finished chapter {chapter.number}", POLL_OPTION_MAX), *PROGRESS_OPTIONS),
        hours=hours,
    )


def thread_title(chapter: Chapter) -> str:
    return clip(f"Chapter {chapter.number}: {chapter.title}", 100)


def opening(chapter: Chapter, prefix: str) -> Reply:
    """The thread's first message: the short summary and the discussion prompts."""
    fields = []
    if chapter.discussion:
        fields.append(
            Field("Discussion", "\n".join(f"{i}. {p}" for i, p in enumerate(chapter.discussion, 1)))
        )
    return Reply(
        title=thread_title(chapter),
        text=chapter.summary,
        fields=tuple(fields),
        footer=f"Say how far you are in the poll (Finished checks you in), or "
        f"{prefix}read {chapter.number}. Replies here count for this chapter.",
        tags=frozenset({"chapter-opening"}),
    )


def agenda(book: Book, chapter: Chapter, prefix: str) -> Reply:
    """A ready meeting plan: summary, three prompts, two quotes and a warm-up quiz."""
    prompts = chapter.discussion[:3]
    quotes = chapter.quotes[:2]
    warmup = min(WARMUP_QUESTIONS, len(chapter.quiz))
    fields = [Field("Summary", chapter.summary)]
    fields.append(
        Field(
            "Discussion prompts",
            "\n".join(f"{i}. {p}" for i, p in enumerate(prompts, 1))
            if prompts
            else "This chapter has no discussion prompts.",
        )
    )
    fields.append(
        Field(
            "Quotes",
            "\n".join(f'"{q.text}" ({q.source})' for q in quotes)
            if quotes
            else "This chapter has no quotes.",
        )
    )
    if warmup:
        start = f"{prefix}quiz start {chapter.number} questions {warmup}"
        fields.append(Field("Warm-up", f"A {warmup}-question quiz: {start}"))
    else:
        fields.append(Field("Warm-up", "This chapter has no quiz items for a warm-up."))
    return Reply(title=f"Meeting plan: {thread_title(chapter)}", fields=tuple(fields))


@dataclass(frozen=True)
class PollResult:
    question: str
    options: tuple[str, ...]
    counts: tuple[int, ...]
    voters: int

    def lines(self) -> list[str]:
        total = sum(self.counts)
        out = []
        for option, count in zip(self.options, self.counts, strict=True):
            share = f" ({round(100 * count / total)}%)" if total else ""
            out.append(f"{option}: {count} vote{'s' if count != 1 else ''}{share}")
        return out

    def summary(self) -> str:
        voters = f"{self.voters} member{'s' if self.voters != 1 else ''} voted"
        return "\n".join([*self.lines(), voters])


def results_reply(result: PollResult, ended: bool) -> Reply:
    return Reply(
        title=f"Poll {'results' if ended else 'so far'}: {result.question}",
        text=result.summary(),
        tags=frozenset({"poll-results"}),
    )


@dataclass(frozen=True)
class Recap:
    chapter: Chapter
    members: int
    messages: int
    checkins: int
    polls: Sequence[PollResult]
    quiz_answers: int
    quiz_correct: int

    def reply(self) -> Reply:
        fields = [
            Field("Took part", f"{self.members} member{'s' if self.members != 1 else ''}"),
            Field("Messages", str(self.messages)),
            Field("Check-ins", f"{self.checkins} checked in chapter {self.chapter.number}"),
        ]
        for poll in self.polls:
            fields.append(Field(f"Poll: {poll.question}", poll.summary()))
        if self.quiz_answers:
            share = round(100 * self.quiz_correct / self.quiz_answers)
            quiz = f"{self.quiz_answers} answers, {self.quiz_correct} right ({share}%)"
        else:
            quiz = "no quiz answers"
        fields.append(Field("Quiz", quiz))
        return Reply(
            title=f"Recap: {thread_title(self.chapter)}",
            text="Counts since the discussion opened; nothing anyone wrote.",
            fields=tuple(fields),
        )


def split_poll(text: str) -> tuple[str, list[str]]:
    """`QUESTION | OPTION | OPTION ...` into the question and its options."""
    parts = [p.strip() for p in text.split("|")]
    return parts[0], parts[1:]
