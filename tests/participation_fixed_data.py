# ruff: noqa: RUF001  (a Cyrillic display name on purpose)
"""Fixed participation data for the equivalence test of the stats (test_participation_stats_sql):
a few members with names (a case tie, a Cyrillic name, one without a name), five months of
daily rows over three channels, two books and several chapters, rows with nothing counted,
another group's and another platform's rows that must not count, and check-ins (one by a
member with no activity). Built from a seeded generator, so every run writes the same rows."""

from __future__ import annotations

import random
from datetime import date, timedelta

from bot.core.refs import GroupRef, MemberRef, Place
from bot.features.participation.repo import DailyKey, ParticipationRepo
from bot.storage.db import Database

FIRST = date(2026, 7, 1)
LAST = date(2026, 11, 20)  # the harness's START day
NAMES = {
    "alice": "Alice",
    "u01": "Boris",
    "u02": "boris",
    "u03": "Вера",
    "u05": "Zed",
    "u06": "ann",
    "u07": "Ann",
    "u08": "=cmd",
    "u09": "Oleg",
}
USERS = ("alice", "u01", "u02", "u03", "u04", "u05", "u06", "u07", "u08", "u09")
CHANNELS = ("general", "reading", "offtopic")


def daily_rows(group: GroupRef) -> list[tuple[DailyKey, tuple[int, ...]]]:
    rng = random.Random(15)
    rows: dict[DailyKey, tuple[int, ...]] = {}
    day = FIRST
    while day <= LAST:
        for user in USERS:
            if rng.random() < 0.55:
                continue
            for channel in rng.sample(CHANNELS, rng.randint(1, 2)):
                book = "testbook" if day >= date(2026, 9, 1) else "otherbook"
                chapter = rng.choice((0, 1, 2, 3))
                key = DailyKey(
                    day.isoformat(), group.platform, group.group_id, channel, user, book, chapter
                )
                if rng.random() < 0.08:
                    counts: tuple[int, ...] = (0, 0, 0, 0, 0, 0)  # a row with nothing counted
                else:
                    answers = rng.choice((0, 0, 1, 2))
                    counts = (
                        rng.choice((0, 1, 2, 5, 9)),
                        rng.choice((0, 0, 1, 3)),
                        rng.choice((0, 0, 2, 4)),
                        answers,
                        rng.randint(0, answers),
                        rng.choice((0, 0, 0, 1)),
                    )
                rows[key] = counts
        day += timedelta(days=1)
    return list(rows.items())


async def write_fixed_data(db: Database, place: Place) -> None:
    repo = ParticipationRepo(db)
    group = place.group
    names = {MemberRef(group.platform, u): n for u, n in NAMES.items()}
    await repo.write_batch(daily_rows(group), names)
    # Rows of another group and another platform, which no stats of this group may count.
    for other in (GroupRef(group.platform, "elsewhere"), GroupRef("discord", group.group_id)):
        await repo.write_batch(daily_rows(other)[:400], {MemberRef(other.platform, "x1"): "X"})
    checkins = [
        ("alice", 1, "2026-09-03"),
        ("alice", 2, "2026-11-02"),
        ("u01", 1, "2026-10-25"),
        ("u03", 1, "2026-11-19"),
        ("u03", 3, "2026-11-20"),
        ("u99", 2, "2026-11-18"),  # checked in, never active
    ]
    for user, chapter, day in checkins:
        await db.execute(
            "INSERT INTO reading_checkins (platform, group_id, user_id, book_id, chapter, day, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (group.platform, group.group_id, user, "testbook", chapter, day, day + "T10:00:00Z"),
        )
