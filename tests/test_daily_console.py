"""Daily quotes end to end through the console: what moderators and members see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.core.clock import FakeClock
from bot.core.outbox import PostError
from bot.core.refs import Place
from bot.core.replies import Reply
from bot.features.daily.feature import DailyFeature
from tests.daily_support import advance, settled
from tests.harness import ConsoleBot


async def test_a_moderator_sets_a_schedule_and_the_console_shows_the_post(
    console: ConsoleBot, clock: FakeClock
) -> None:
    shown = await console.say(
        "/daily set time 13:00 timezone Europe/London chapter 15", moderator=True
    )
    assert "Every day at 13:00 (Europe/London): a quote from chapter 15" in shown
    assert "Next post: Fri 20 Nov 2026, 13:00 GMT (Europe/London) = 13:00 UTC" in shown
    await settled(console)
    await advance(console, clock, timedelta(minutes=59))
    assert console.posted() == ""
    await advance(console, clock, timedelta(minutes=1))
    posted = console.posted()
    assert "== Quote of the day ==" in posted
    assert "(chapter 15: " in posted and "“" in posted
    assert "For discussion: " in posted


async def test_members_may_see_the_status_but_not_change_the_schedule(
    console: ConsoleBot,
) -> None:
    for line in ("/daily set time 10:00", "/daily off", "/daily now"):
        shown = await console.say(line, user="bob")
        assert f"Only moderators can use {line.split(' time')[0]}." in shown
    assert "No daily quote here. A moderator can start one with /daily set." in (
        await console.say("/daily status", user="bob")
    )


async def test_bad_times_are_refused_clearly_and_nothing_is_stored(console: ConsoleBot) -> None:
    shown = await console.say("/daily set time 25:00", moderator=True)
    assert "`time`: expected a 24-hour time HH:MM with hours 00-23" in shown
    assert "got '25:00'" in shown and "Usage: /daily set [time HH:MM]" in shown
    shown = await console.say("/daily set time 7pm", moderator=True)
    assert "`time`: expected a 24-hour time HH:MM, like 09:00 or 18:30; got '7pm'" in shown
    assert "No daily quote here" in await console.say("/daily status")


async def test_a_wrong_timezone_is_refused_with_the_closest_names(console: ConsoleBot) -> None:
    shown = await console.say("/daily set timezone Europe/Londn", moderator=True)
    assert "'Europe/Londn' is not an IANA timezone name" in shown
    assert "Closest: Europe/London" in shown
    assert "No daily quote here" in await console.say("/daily status")
    # Case does not matter for a right name.
    shown = await console.say("/daily set timezone europe/london", moderator=True)
    assert "(Europe/London)" in shown


async def test_a_wrong_chapter_is_refused_and_nothing_is_stored(console: ConsoleBot) -> None:
    shown = await console.say("/daily set chapter 99", moderator=True)
    assert "There is no chapter 99. Chapters: 15." in shown
    shown = await console.say("/daily set chapter some", moderator=True)
    assert "`chapter`: expected a chapter number, current (the reading plan's) or all" in shown
    shown = await console.say("/daily set prompt maybe", moderator=True)
    assert "`prompt` must be one of on, off; got 'maybe'" in shown
    assert "No daily quote here" in await console.say("/daily status")


async def test_status_shows_the_next_post_in_local_time_and_utc_and_the_settings(
    console: ConsoleBot,
) -> None:
    async def plan_chapter(place: Place) -> int | None:
        return 15

    console.app.feature("daily", DailyFeature).service.current_chapter = plan_chapter
    await console.say("/daily set time 09:00 timezone America/New_York prompt off", moderator=True)
    shown = await console.say("/daily status", user="bob")
    assert "== Daily quote: on ==" in shown
    assert "Next post: Fri 20 Nov 2026, 09:00 EST (America/New_York) = 14:00 UTC" in shown
    assert "every day at 09:00 (America/New_York)" in shown
    assert "quotes from the current chapter (now chapter 15)" in shown
    assert "discussion prompt off" in shown
    assert "Cycle: 0 of " in shown


async def test_unset_values_keep_what_was_stored(console: ConsoleBot) -> None:
    await console.say("/daily set time 07:15 timezone Asia/Tokyo chapter all", moderator=True)
    shown = await console.say("/daily set prompt off", moderator=True)
    assert "Every day at 07:15 (Asia/Tokyo): a quote from all chapters, discussion prompt off" in (
        shown
    )


class Refusing:
    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        raise PostError("Missing Permissions: cannot send messages here")


async def test_a_failed_post_shows_in_status(console: ConsoleBot, clock: FakeClock) -> None:
    await console.say("/daily set time 13:00 timezone UTC", moderator=True)
    await settled(console)
    console.app.engine.outbox.register("console", Refusing())
    await advance(console, clock, timedelta(hours=1))
    shown = await console.say("/daily status")
    assert (
        "Last failure: Fri 20 Nov 2026, 13:00 UTC: Missing Permissions: cannot send messages here"
        in shown
    )
    assert "Last post" not in shown


async def test_daily_now_posts_from_the_cycle_and_off_stops_the_schedule(
    console: ConsoleBot, clock: FakeClock
) -> None:
    shown = await console.say("/daily now", moderator=True)
    assert "== Quote of the day ==" in shown and "“" in shown
    await console.say("/daily set time 13:00 timezone UTC", moderator=True)
    shown = await console.say("/daily off", moderator=True)
    assert "Daily quotes are off here. /daily set turns them on again." in shown
    assert "Daily quotes were not on here" in await console.say("/daily off", moderator=True)
    await settled(console)
    await advance(console, clock, timedelta(days=2))
    assert console.posted() == ""
    shown = await console.say("/daily status")
    assert "== Daily quote: off ==" in shown and "Next post: none" in shown


async def test_help_lists_the_daily_commands(console: ConsoleBot) -> None:
    shown = await console.say("/help", moderator=True)
    assert (
        "/daily set [time HH:MM] [timezone Area/City] [chapter N|current|all] [prompt on|off]"
        in (shown)
    )
    assert "/daily status" in await console.say("/help")
    assert "/daily now" not in await console.say("/help")


async def test_the_attribution_follows_the_quote_before_the_prompt(
    console: ConsoleBot,
) -> None:
    await console.say("/daily set chapter 15 prompt on", moderator=True)
    shown = await console.say("/daily now", moderator=True)
    quote_end, source = shown.index("”\n— "), shown.index("(chapter 15: ")
    assert quote_end < source < shown.index("For discussion: ")


async def test_daily_now_counts_as_the_last_post(console: ConsoleBot) -> None:
    await console.say("/daily set time 13:00 timezone UTC", moderator=True)
    assert "Last post" not in await console.say("/daily status")
    await console.say("/daily now", moderator=True)
    assert "Last post: Fri 20 Nov 2026, 12:00 UTC" in await console.say("/daily status")


async def test_fixed_offsets_are_taken_with_a_warning_naming_a_city_zone(
    console: ConsoleBot,
) -> None:
    shown = await console.say("/daily set time 09:00 timezone EST", moderator=True)
    assert "Every day at 09:00 (EST)" in shown
    assert "Note: EST is a fixed offset (UTC-05:00) that ignores daylight saving" in shown
    assert "such as America/New_York." in shown
    shown = await console.say("/daily set timezone UTC+3", moderator=True)
    assert "Every day at 09:00 (Etc/GMT-3)" in shown
    assert "UTC+3 is a fixed offset (UTC+03:00)" in shown and "Europe/Moscow" in shown
    shown = await console.say("/daily set timezone Etc/GMT-3", moderator=True)
    assert "Etc/GMT-3 is a fixed offset (UTC+03:00)" in shown
    for city in ("Europe/Moscow", "Asia/Tokyo", "UTC"):
        shown = await console.say(f"/daily set timezone {city}", moderator=True)
        assert "Note:" not in shown and f"({city})" in shown


async def test_abbreviations_suggest_current_city_zones(console: ConsoleBot) -> None:
    for typed, cities in (
        ("BST", "Europe/London"),
        ("CET", "Europe/Paris or Europe/Berlin"),
        ("MSK", "Europe/Moscow"),
        ("pst", "America/Los_Angeles"),
    ):
        shown = await console.say(f"/daily set timezone {typed}", moderator=True)
        assert f"{typed!r} is an abbreviation, not a timezone name: use the city zone " in shown
        assert f"whose clock you mean, {cities} (a city zone" in shown
    assert "No daily quote here" in await console.say("/daily status")
    shown = await console.say("/daily set timezone Kiev", moderator=True)
    assert "Closest: Europe/Kyiv" in shown and "Europe/Kiev" not in shown
