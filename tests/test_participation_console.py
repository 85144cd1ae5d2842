"""Participation, the reading plan and privacy end to end on the console, with members
and a moderator: what each command shows, the charts (valid PNGs of the configured size)
and the CSV export read back."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from bot.core.clock import FakeClock
from tests.harness import console_bot
from tests.participation_support import db_rows, png_size, saved_path, write_book

CHART = {"chart_width": 640, "chart_height": 480}


async def test_moderator_sets_the_plan_and_members_see_it(tmp_path: Path, clock: FakeClock) -> None:
    async with console_bot(tmp_path, clock) as bot:
        assert "No reading plan is set" in await bot.say("/plan show")
        shown = await bot.say("/plan set 15 due 2026-12-01", user="mod", moderator=True)
        assert "The group reads chapter 15: The United Opposition, 1926-27" in shown
        assert "due 2026-12-01 (in 11 days)" in shown
        shown = await bot.say("/plan show", user="bob")
        assert "chapter 15" in shown and "due 2026-12-01 (in 11 days)" in shown
        assert "Checked in: 0 of" in shown


async def test_plan_set_is_refused_to_members_and_bad_input_changes_nothing(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        assert "Only moderators can use /plan set." in await bot.say("/plan set 15", user="bob")
        shown = await bot.say("/plan set 99 due 2026-12-01", moderator=True)
        assert "There is no chapter 99. Chapters: 15." in shown
        shown = await bot.say("/plan set 15 due 2026-13-45", moderator=True)
        assert "`due`: expected a real date like 2026-12-01" in shown
        shown = await bot.say("/plan set 15 due tomorrow", moderator=True)
        assert "`due`: expected a date like 2026-12-01" in shown
        shown = await bot.say("/plan set 15 due 2026-11-01", moderator=True)
        assert "The due date 2026-11-01 is in the past (today is 2026-11-20)." in shown
        assert "`chapter` is required" in await bot.say("/plan set", moderator=True)
        assert "No reading plan is set" in await bot.say("/plan show")
    assert db_rows(tmp_path / "kruzhok.sqlite3", "SELECT * FROM reading_plans") == []


async def test_plan_clear_and_the_plan_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("/plan set 15 due 2026-12-01", moderator=True)
    async with console_bot(tmp_path, clock) as bot:
        assert "due 2026-12-01" in await bot.say("/plan show")
        assert "Only moderators" in await bot.say("/plan clear")
        assert "The reading plan is cleared." in await bot.say("/plan clear", moderator=True)
        assert "No reading plan is set" in await bot.say("/plan show")
        assert "There is no reading plan to clear." in await bot.say("/plan clear", moderator=True)


async def test_summary_and_discuss_without_a_chapter_follow_the_plan(
    tmp_path: Path, clock: FakeClock
) -> None:
    content = write_book(tmp_path)
    async with console_bot(tmp_path, clock, content=str(content)) as bot:
        assert "Chapter 1: Chapter 1 title" in await bot.say("/summary")
        await bot.say("/plan set 2 due 2026-12-01", moderator=True)
        assert "Chapter 2: Chapter 2 title" in await bot.say("/summary")
        assert "For discussion (chapter 2)" in await bot.say("/discuss")


async def test_members_check_in_and_see_their_progress(tmp_path: Path, clock: FakeClock) -> None:
    content = write_book(tmp_path)
    async with console_bot(tmp_path, clock, content=str(content)) as bot:
        assert "Which chapter? /read <chapter>" in await bot.say("/read")
        await bot.say("/plan set 2 due 2026-11-22", moderator=True, user="mod")
        assert "alice has read chapter 1: Chapter 1 title" in await bot.say("/read 1")
        shown = await bot.say("/progress")
        assert "The group reads chapter 2: Chapter 2 title, due 2026-11-22 (in 2 days)." in shown
        assert "You have not checked in chapter 2 yet (1 chapter to the plan's)." in shown
        assert "Chapters checked in: 1 of 3 (chapter 1)" in shown
        shown = await bot.say("/read")
        assert "alice has read chapter 2" in shown and "1 of 2 members have checked in" in shown
        assert "already checked in chapter 2: Chapter 2 title on 2026-11-20" in await bot.say(
            "/read 2"
        )
        assert "There is no chapter 7" in await bot.say("/read 7")
        await clock.advance(timedelta(days=3))
        shown = await bot.say("/progress", user="bob")
        assert "due 2026-11-22 (1 day overdue)" in shown
        assert "You have not checked in chapter 2 yet (2 chapters to the plan's)." in shown
        assert "1 of 2 members have checked in chapter 2." in shown
        assert "on pace" in await bot.say("/progress")


async def test_stats_for_oneself_has_every_figure_and_a_chart(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock, participation=CHART) as bot:
        await bot.say("/plan set 15", moderator=True, user="mod")
        for _ in range(3):
            await bot.say("hello")
        await bot.say("/read 15")
        bot.app.engine.on_reaction(bot.adapter.caller("alice"), bot.adapter.place)
        await clock.advance(timedelta(days=1))
        await bot.say("next day")
        shown = await bot.say("/stats")
        assert "== Participation of alice ==" in shown
        assert (
            "This week: 4 messages, 0 thread replies, 1 reaction, 0 quiz answers, 1 command"
            in shown
        )
        assert "Overall: 4 messages" in shown
        assert "Streak: 2 active days in a row (longest 2)" in shown
        assert "Chapters checked in: 1 of 1 (chapter 15)" in shown
        assert "Quiz accuracy: no quiz answers yet" in shown
        assert png_size(saved_path(shown).read_bytes()) == (640, 480)


async def test_quiz_accuracy_counts_answers_recorded_by_the_quiz(
    tmp_path: Path, clock: FakeClock
) -> None:
    from bot.core.activity import ActivityKind

    async with console_bot(tmp_path, clock) as bot:
        caller, place = bot.adapter.caller("alice"), bot.adapter.place
        for correct in (True, True, False, True):
            bot.app.engine.record(ActivityKind.QUIZ_ANSWER, caller, place)
            if correct:
                bot.app.engine.record(ActivityKind.QUIZ_CORRECT, caller, place)
        assert "Quiz accuracy: 3/4 correct (75%)" in await bot.say("/stats")


async def test_stats_for_another_member_by_name_or_id(tmp_path: Path, clock: FakeClock) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("hi", user="bob")
        await bot.say("hi again", user="bob")
        shown = await bot.say("/stats Bob")
        assert "Participation of bob" in shown and "Overall: 2 messages" in shown
        assert "Participation of bob" in await bot.say("/stats @bob")
        shown = await bot.say("/stats nobody")
        assert "No participation is recorded for 'nobody' in this group." in shown
        await bot.say("/privacy optout", user="bob")
        assert "No participation is recorded for 'bob'" in await bot.say("/stats bob")
        assert "You opted out" in await bot.say("/stats", user="bob")


async def test_stats_finds_members_whose_id_or_name_starts_with_at(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Matrix ids start with @: the text is matched as given first, then without the @."""
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("hi", user="@everyone")
        await bot.say("hi", user="everyone")
        await bot.say("hi", user="everyone")
        await bot.say("hi", user="@alice:example.org")
        shown = await bot.say("/stats @everyone")
        assert "Participation of @everyone" in shown and "Overall: 1 message" in shown
        shown = await bot.say("/stats everyone")
        assert "Participation of everyone" in shown and "Overall: 2 messages" in shown
        assert "Participation of @alice:example.org" in await bot.say("/stats @ALICE:example.org")
        shown = await bot.say("/stats @nobody")
        assert "No participation is recorded for '@nobody' in this group." in shown


async def test_group_stats_over_periods_with_a_chart(tmp_path: Path, clock: FakeClock) -> None:
    async with console_bot(tmp_path, clock, participation=CHART) as bot:
        await bot.say("/plan set 15 due 2026-12-01", moderator=True, user="mod")
        for user, n in (("alice", 5), ("bob", 2), ("carol", 1)):
            for _ in range(n):
                await bot.say("a message", user=user)
        await bot.say("/read 15", user="bob")
        await clock.advance(timedelta(days=10))
        await bot.say("later", user="carol")
        shown = await bot.say("/stats group", user="bob")
        assert "== Group participation: the last 30 days ==" in shown
        assert "Plan: chapter 15, due 2026-12-01 (tomorrow)." in shown
        assert "Active members: 4" in shown  # with the moderator's command
        assert "Messages per day: 0.3 (9 in 30 days)" in shown
        assert "Check-ins per chapter: chapter 15: 1" in shown
        assert (
            "Top participants (messages, replies and reactions): 1. alice: 5 (5 messages)\n"
            "2. bob: 2 (2 messages)\n3. carol: 2 (2 messages)\n"
        ) in shown  # bob's and the moderator's commands do not rank
        assert "Commands to the bot (not ranked): 2 commands by 2 members" in shown
        assert png_size(saved_path(shown).read_bytes()) == (640, 480)
        shown = await bot.say("/stats group today")
        assert "Active members: 2" in shown and "Messages per day: 1.0 (1 in 1 day)" in shown
        assert "Check-ins per chapter: none in this period" in shown
        assert "all time (since 2026-11-20)" in await bot.say("/stats group all")
        shown = await bot.say("/stats group fortnight")
        assert "`period`: expected today, week, month, all, or a number of days like 30d" in shown


async def test_the_ranking_can_be_switched_off(tmp_path: Path, clock: FakeClock) -> None:
    async with console_bot(tmp_path, clock, participation={"leaderboard": False}) as bot:
        await bot.say("hello")
        shown = await bot.say("/stats group")
        assert "Active members: 1" in shown and "Top participants" not in shown


async def test_export_is_for_moderators_and_reads_back_as_csv(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("/plan set 15", moderator=True, user="mod")
        await bot.say("one", user="alice")
        await bot.say("two", user="alice")
        await bot.say("hi", user="=HYPERLINK(1)")
        await bot.say("привет", user="Алёна")
        await clock.advance(timedelta(days=1))
        await bot.say("three", user="alice")
        assert "Only moderators can use /export participation." in await bot.say(
            "/export participation"
        )
        shown = await bot.say("/export participation", user="mod", moderator=True)
        assert "5 daily rows, all time (since 2026-11-20)." in shown
        path = saved_path(shown, "file")
        assert path.name == "participation-2026-11-20-to-2026-11-21.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbfday,platform,")
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        alice = [(r["day"], r["messages"], r["chapter"]) for r in rows if r["user_id"] == "alice"]
        assert alice == [("2026-11-20", "2", "15"), ("2026-11-21", "1", "15")]
        assert {r["display_name"] for r in rows} == {"alice", "mod", "'=HYPERLINK(1)", "Алёна"}
        assert set(rows[0]) >= {"day", "channel_id", "reactions", "quiz_answers", "commands"}
        shown = await bot.say("/export participation today", user="mod", moderator=True)
        assert "2 daily rows, today." in shown  # alice's and the moderator's export


async def test_privacy_show_delete_optout_optin(tmp_path: Path, clock: FakeClock) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("hello", user="bob")
        await bot.say("/read 15", user="bob")
        shown = await bot.say("/privacy show", user="bob")
        assert "[only you see this]" in shown
        assert "Your id: console:bob\n" in shown and "Display name kept: bob." in shown
        assert "1 daily row from 2026-11-20 to 2026-11-20 in 1 group: per day" in shown
        assert "Chapters checked in: 15." in shown
        assert "never kept" in shown
        assert "is deleted" in await bot.say("/privacy delete confirm", user="bob")
        assert db_rows(db_file, "SELECT * FROM reading_checkins") == []
        assert db_rows(db_file, "SELECT messages FROM activity_daily WHERE user_id='bob'") == []
        await bot.say("still recorded", user="bob")
        assert "You had not opted out" in await bot.say("/privacy optin", user="bob")
        assert "no longer recorded" in await bot.say("/privacy optout", user="bob")
        shown = await bot.say("/privacy show", user="bob")
        assert "You opted out" in shown and "No daily activity rows." in shown
        assert "No check-ins." in shown and "No display name is kept." in shown


async def test_privacy_delete_asks_first_and_show_and_delete_leave_no_trace(
    tmp_path: Path, clock: FakeClock
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    bob_rows = "SELECT messages, commands FROM activity_daily WHERE user_id='bob'"
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("hello", user="bob")
        await bot.say("/read 15", user="bob")
        shown = await bot.say("/privacy delete", user="bob")
        assert "Nothing is deleted yet: type /privacy delete confirm to do it." in shown
        assert "[only you see this]" in shown
        assert db_rows(db_file, "SELECT user_id FROM reading_checkins") == [("bob",)]
        # the moderator asks for bob by the id `privacy show` prints
        shown = await bot.say("/privacy show", user="bob")
        assert "Your id: console:bob\n" in shown
        shown = await bot.say("/stats console:bob", user="mod")
        assert "Participation of bob" in shown
        # the question, the show and the moderator's stats left bob with 1 message, 1 command
        assert db_rows(db_file, bob_rows) == [(1, 1)]
        shown = await bot.say("/privacy delete confirm", user="bob")
        assert "is deleted, and this command left no trace" in shown
        await bot.say("/privacy show", user="bob")
        await bot.say("/stats group", user="mod")  # flushes the recorder
        assert db_rows(db_file, bob_rows) == []
        assert db_rows(db_file, "SELECT * FROM reading_checkins") == []
        assert db_rows(db_file, "SELECT * FROM participants WHERE user_id='bob'") == []


async def test_retention_deletes_old_daily_rows_at_start_and_each_day(
    tmp_path: Path, clock: FakeClock
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(tmp_path, clock, participation={"retention_days": 30}) as bot:
        await bot.say("old")
        await clock.advance(timedelta(days=20))
        await bot.say("newer")
    await clock.advance(timedelta(days=15))  # the first row is now 35 days old
    async with console_bot(tmp_path, clock, participation={"retention_days": 30}) as bot:
        assert db_rows(db_file, "SELECT day FROM activity_daily") == [("2026-12-10",)]
        await clock.advance(timedelta(days=16))  # past midnight: the daily run
        # /stats writes under the recorder's lock, so it waits for the retention run.
        assert "Participation of alice" in await bot.say("/stats")
        assert db_rows(db_file, "SELECT day FROM activity_daily WHERE day < '2027'") == []


async def test_plan_show_lists_earlier_plans_and_help_lists_the_commands(
    tmp_path: Path, clock: FakeClock
) -> None:
    content = write_book(tmp_path)
    async with console_bot(tmp_path, clock, content=str(content)) as bot:
        await bot.say("/plan set 1 due 2026-11-25", moderator=True)
        await clock.advance(timedelta(days=5))
        await bot.say("/plan set 2", moderator=True)
        shown = await bot.say("/plan show")
        assert "The group reads chapter 2: Chapter 2 title, no due date." in shown
        assert "Earlier plans: chapter 1, due 2026-11-25 (set 2026-11-20)" in shown
        # A group's name alone does the obvious thing: /privacy shows what is kept.
        assert "What is kept about you" in await bot.say("/privacy")
        shown = await bot.say("/privacy foo")
        assert "/privacy has no subcommand 'foo'" in shown and "/privacy optout" in shown
        shown = await bot.say("/help")
        for usage in (
            "/stats [member...]",
            "/stats group [period]",
            "/read [chapter]",
            "/progress",
        ):
            assert usage in shown
        assert "/export participation" not in shown
        assert "/export participation [period]" in await bot.say("/help", moderator=True)


async def test_help_defines_the_periods_once(tmp_path: Path, clock: FakeClock) -> None:
    async with console_bot(tmp_path, clock) as bot:
        shown = await bot.say("/help")
        assert shown.count("week = since Monday") == 1
        assert "Periods: today; week = since Monday; month = since the 1st; all = " in shown
        assert "30d = the last 30 days, today included" in shown
        shown = await bot.say("/help stats group")
        assert "[period]: today, week, month, all, or a number of days like 30d" in shown
        assert "since Monday" not in shown
