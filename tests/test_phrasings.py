"""What a newcomer types, and what the console must answer: one row per phrasing.

Each row runs on a fresh console bot with the shipped book (chapter 15): the setup lines
first (as a moderator), then the phrasing as a member, or as a moderator when the row
says so. The reply must contain `expect` and none of `absent`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.harness import ConsoleBot

DAILY_USAGE = "Usage: /daily set [time HH:MM] [timezone Area/City]"
START_USAGE = "Usage: /quiz start [chapter] [kinds] [questions N]"
NO_QUIZ = "There is no quiz running in this channel"
QUIZ_ON = "/quiz start 15 questions 2"


@dataclass(frozen=True)
class Row:
    line: str
    expect: str
    moderator: bool = False
    setup: tuple[str, ...] = ()
    absent: tuple[str, ...] = ("Usage:", "Unknown command")


def mod(line: str, expect: str, *setup: str, absent: tuple[str, ...] = ()) -> Row:
    return Row(line, expect, True, setup, absent or ("Usage:", "Unknown command"))


def refused(line: str, expect: str, moderator: bool = False, *setup: str) -> Row:
    """A phrasing refused with a message (its usage line may be part of `expect`)."""
    return Row(line, expect, moderator, setup, absent=("Something went wrong",))


ROWS = [
    # help: what a member may run, no internal arguments
    Row("/help", "Kruzhok commands", absent=("/daily set", "/quiz start", "token")),
    Row("!help", "Kruzhok commands"),
    Row("/HELP", "Kruzhok commands"),
    mod("/help", "/daily set [time HH:MM]", absent=("token",)),
    Row("/help summary", "Summary of a chapter"),
    Row("/help /summary", "[long]: the key points in order"),
    Row("/help answer", "answer...: your answer", absent=("token", "Usage:")),
    Row("/help daily", "/daily status", absent=("/daily set", "/daily now")),
    Row("/help quiz", "/quiz practice [chapter] [questions N]", absent=("/quiz start",)),
    # reading
    Row("/summary", "Chapter 15: The United Opposition"),
    Row("/summary 15", "Chapter 15: The United Opposition"),
    Row("/summary 15 long", "Key points:"),
    Row("/summary long 15", "Key points:"),
    Row("/summary long", "Key points:"),
    Row("/summary chapter 15", "Chapter 15: The United Opposition"),
    Row("/Summary 15", "Chapter 15: The United Opposition"),
    Row("/summary 99", "There is no chapter 99. Chapters: 15."),
    refused("/summary fifteen", "`chapter`: expected a whole number; got 'fifteen'."),
    refused("/summary fifteen", "Usage: /summary [chapter] [long]"),
    refused("/sumary", "Unknown command '/sumary'. Did you mean /summary?"),
    refused("/summery 15", "Did you mean /summary?"),
    Row("/chapters", "15. The United Opposition"),
    Row("/quote", "(chapter 15)"),
    Row("/quote 15", "(chapter 15)"),
    Row("/quote Chiang", "Chiang"),
    Row("/quote 15 Chiang", "Chiang"),
    Row("/glossary", "== Glossary =="),
    Row("/glossary kulak", "== kulak =="),
    Row("/discuss", "For discussion (chapter 15)"),
    Row("/discuss 15", "For discussion (chapter 15)"),
    Row("/about", "Kruzhok is a bot for reading circles"),
    Row("/book", "An untitled history"),
    Row("/book show", "An untitled history", absent=("did not understand",)),
    Row("/book list", "united-opposition"),
    Row("/read 15", "alice has read chapter 15"),
    Row("/progress", "Reading progress of alice"),
    # the reading plan
    Row("/plan", "No reading plan is set."),
    Row("/plan", "due 2026-12-01", setup=("/plan set 15 2026-12-01",)),
    Row("/plan show", "No reading plan is set."),
    mod("/plan set 15 2026-12-01", "The group reads chapter 15"),
    mod("/plan set 15 due 2026-12-01", "due 2026-12-01"),
    mod("/plan set 15", "The group reads chapter 15"),
    refused("/plan set 15 12/01/2026", "`due`: expected a date like 2026-12-01", True),
    refused("/plan set 2026-12-01", "`chapter`: expected a whole number", True),
    refused("/plan set", "`chapter` is required.\nUsage: /plan set chapter [due date]", True),
    refused("/plan list", "Did you mean /plan show?"),
    # quizzes
    Row("/quiz", NO_QUIZ),
    Row("/quiz", "question 1 of 2 is open", setup=(QUIZ_ON,)),
    Row("/quiz status", NO_QUIZ),
    mod("/quiz start 15 5", "started a quiz on chapter 15: 5 question(s)"),
    mod("!quiz start 15 5", "started a quiz on chapter 15: 5 question(s)"),
    mod("/quiz start 15 questions 3", "3 question(s)"),
    mod("/quiz start questions 3 15", "chapter 15: 3 question(s)"),
    mod("/quiz start 15 3 30", "3 question(s), 30 seconds each"),
    mod("/quiz start kinds choice, text", "started a quiz on all chapters"),
    mod("/quiz start 15 truefalse 2", "chapter 15: 2 question(s)"),
    mod("/quiz start 15 kinds truefalse questions 2", "chapter 15: 2 question(s)"),
    refused("/quiz start questions 2 questions 3", "`questions` is given twice", True),
    refused("/quiz start questions 2 questions 3", START_USAGE, True),
    refused("/quiz start 15 bogus", "`kinds`: expected kinds among", True),
    refused("/quiz start questions", "`questions` needs a value.", True),
    refused("/quiz start", "Only moderators can use /quiz start."),
    refused("/quiz end", "/quiz has no subcommand 'end'. Did you mean /quiz stop?"),
    refused("/quiz begin", "Did you mean /quiz start?", True),
    Row("/quiz begin", "/quiz has no subcommand 'begin'", absent=("/quiz start",)),
    refused("/quiz stat", "Did you mean /quiz status"),
    mod("/quiz stop", "Quiz stopped early", QUIZ_ON),
    Row("/quiz practice", "Practice on"),
    Row("/quiz practice 15 3", "Practice on chapter 15: 3 question(s)"),
    Row("/quiz practice 15 questions 2", "Practice on chapter 15: 2 question(s)"),
    refused("/practice start", "Did you mean /quiz practice"),
    Row("/practice stop", "You are not practising."),
    Row("/answer B", NO_QUIZ),
    Row("/answer B", "question 1", setup=("/quiz start 15 kinds choice questions 2",)),
    refused("/answer", "`answer` is required.\nUsage: /answer answer..."),
    Row("/quiz leaderboard", "Quiz leaderboard: all chapters, all time"),
    Row("/quiz leaderboard all week", "Quiz leaderboard: all chapters, this week (since Mon"),
    Row("/quiz leaderboard week", "Quiz leaderboard: all chapters, this week"),
    Row("/quiz leaderboard today", "Quiz leaderboard: all chapters, today"),
    Row("/quiz leaderboard 15 month", "Quiz leaderboard: chapter 15, this month"),
    Row("/quiz leaderboard 30d", "all chapters, the last 30 days"),
    Row("/quiz leaderboard period week", "all chapters, this week"),
    refused("/quiz leaderboard year", "(a period: today, week, month, all, or a number"),
    refused("/quiz leaderboard 15 0d", "`period`: a number of days from 1 to 3660"),
    # hands-off and untimed quizzes
    mod("/quiz start 15 questions 2 seconds 30 auto", "30 seconds each, hands-off"),
    mod("/quiz start 15 2 30 auto", "2 question(s), 30 seconds each, hands-off"),
    mod("/quiz start auto seconds 20", "20 seconds each, hands-off"),
    refused("/quiz start 15 auto", "A hands-off quiz (`auto`) needs timed questions", True),
    refused("/quiz start 15 untimed auto", "needs timed questions", True),
    mod("/quiz start 15 seconds 0", "started a quiz on chapter 15: 5 question(s)."),
    mod("/quiz start 15 untimed", "started a quiz on chapter 15: 5 question(s)."),
    refused("/quiz start 15 seconds 30 untimed", "Give `seconds S` or `untimed`, not both.", True),
    refused("/quiz start 15 seconds 2", "or 0 for untimed questions", True),
    Row("/quiz", "hands-off", setup=("/quiz start 15 questions 2 seconds 30 auto",)),
    # daily quotes
    Row("/daily", "No daily quote here."),
    Row("/daily", "Daily quote: on", setup=("/daily set",)),
    mod("/daily set 09:00 Europe/London", "Every day at 09:00 (Europe/London)"),
    mod("/daily set Europe/London 09:00", "Every day at 09:00 (Europe/London)"),
    mod("/daily set 18:30", "Every day at 18:30"),
    mod("/daily set time 08:30 timezone Europe/London", "Every day at 08:30 (Europe/London)"),
    mod("/daily set 08:30 Europe/London 15 off", "chapter 15, discussion prompt off"),
    mod("/daily set off", "discussion prompt off"),
    mod("/daily set 07:00 current", "the current chapter"),
    refused("/daily set 25:00", "`time`: expected a 24-hour time HH:MM with hours 00-23", True),
    refused("/daily set 7pm", DAILY_USAGE, True),
    refused("/daily set 07:00 Tokyo", "'Tokyo' does not fit `timezone`", True),
    refused("/daily on", "/daily has no subcommand 'on'. Did you mean /daily set", True),
    refused("/daily set", "Only moderators can use /daily set."),
    mod("/daily off", "Daily quotes are off here.", "/daily set 09:00"),
    # privacy, stats, and the unknown
    Row("/privacy", "What is kept about you"),
    Row("/privacy show", "What is kept about you"),
    Row("/stats", "Participation of alice"),
    Row("/stats group", "Group participation"),
    Row("/stats group week", "Group participation: this week"),
    Row("/stats me", "Participation of alice", absent=("No participation",)),
    Row("/stats Me", "Participation of alice", absent=("No participation",)),
    Row("/stats group today", "Group participation: today"),
    Row("/stats group 7d", "Group participation: the last 7 days"),
    # did-you-mean and group lists: a member is shown only what a member may run
    Row("/daily sett", "Did you mean /daily status?", absent=("/daily set", "/daily off")),
    mod("/daily sett", "Did you mean /daily set"),
    Row("/quiz strat", "Did you mean /quiz status?", absent=("/quiz start", "/quiz next ")),
    mod("/quiz strat", "Did you mean /quiz start"),
    Row("/export", "/export needs a subcommand. Its subcommands are for moderators."),
    mod("/export", "/export participation [period]"),
    Row("/plan sett", "/plan has no subcommand 'sett'", absent=("/plan set", "/plan clear")),
    Row("/help export", "No command 'export' that you can use."),
    refused("/frobnicate", "Unknown command '/frobnicate'. Type /help for the list."),
    refused("/privacy foo", "/privacy has no subcommand 'foo'"),
]


@pytest.mark.parametrize("row", ROWS, ids=[f"{i:02d} {r.line}" for i, r in enumerate(ROWS)])
async def test_phrasing(console: ConsoleBot, row: Row) -> None:
    for line in row.setup:
        await console.say(line, moderator=True)
    shown = await console.say(row.line, moderator=row.moderator)
    assert row.expect in shown
    for text in row.absent:
        assert text not in shown


def test_there_are_at_least_sixty_phrasings() -> None:
    assert len({(r.line, r.moderator, r.setup) for r in ROWS}) >= 60
