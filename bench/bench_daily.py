"""Daily quote dispatch: find and send the due posts of 10,000 channels at once.

Everything runs on the real app (SQLite file in a temporary folder, the shipped content)
with a test clock and a fake poster that only counts. Figures:

- baseline: reading the 10,000 due rows alone (the query and the row objects);
- floor: the same database work as a dispatch, on plain tuples: the due rows read as
  tuples (DailyRepo's query), then per 500 rows one transaction with the claim's statements (the versions,
  the days taken, the INSERT of the claims and the UPDATE of the schedules, by
  executemany), then the transaction that records the outcomes; the statements are the
  ones DailyRepo sends, the values made from the tuples with no planning at all;
- dispatch: DailyService.dispatch_due(now): read, plan (next run, quote pick, compose),
  claim in the database, post through the outbox, record the outcomes;
- loop: the same through the scheduler loop: advance the clock to the due time and wait
  until the loop sleeps again.

Usage: .venv/bin/python bench/bench_daily.py [channels] [rounds]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App, build_app
from bot.config import Config
from bot.core.clock import FakeClock
from bot.core.refs import Place
from bot.core.replies import Reply
from bot.features.daily.feature import DailyFeature
from bot.features.daily.repo import CLAIM_INSERT, CLAIM_UPDATE
from bot.features.daily.repo import DUE as DUE_QUERY

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ZONES = ("UTC", "Europe/London", "Africa/Abidjan", "Atlantic/Reykjavik")  # 09:00 local = 09:00 UTC


class CountingPoster:
    def __init__(self) -> None:
        self.count = 0

    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        self.count += 1


NEXT = int(DUE.timestamp()) + 86400
CLAIMED = (NEXT, "2026-11-21", "2026-11-20", NEXT, '["q1"]', "united-opposition", "q1", None, None)


async def floor(app: App) -> int:
    """The database work of one dispatch on plain tuples (see the module's docstring)."""
    db = app.db
    now = int(DUE.timestamp())
    rows = await db.fetch(DUE_QUERY, (now,))
    ids = [(r["id"], r["version"]) for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        async with db.transaction():
            await db.fetch(
                f"SELECT id, version FROM daily_schedules WHERE id IN ({marks}){db.for_update}",
                [i for i, _ in chunk],
            )
            await db.fetch(
                f"SELECT schedule_id, local_date FROM daily_posts WHERE schedule_id IN ({marks})"
                " AND local_date IN (?)",
                [*(i for i, _ in chunk), "2026-11-20"],
            )
            await db.executemany(
                CLAIM_INSERT,
                [("2026-11-20", "united-opposition", "claimed", "q1", now, i) for i, _ in chunk],
            )
            await db.executemany(
                CLAIM_UPDATE,
                [(*CLAIMED, now, i) for i, _ in chunk],
            )
    async with db.transaction():
        await db.executemany(
            "UPDATE daily_schedules SET last_post_at = ? WHERE id = ?", [(now, i) for i, _ in ids]
        )
        await db.executemany(
            "UPDATE daily_posts SET status = ? WHERE schedule_id = ? AND local_date = ?",
            [("posted", i, "2026-11-20") for i, _ in ids],
        )
    return len(ids)


def check(ok: bool, problem: str) -> None:
    if not ok:
        raise SystemExit(f"bench_daily: wrong result: {problem}")


# The schedules both daily benchmarks insert (bench_scale.py too).
INSERT_SCHEDULES = (
    "INSERT INTO daily_schedules (platform, group_id, channel_id, book_id, local_time,"
    " timezone, chapter, prompt, enabled, next_due, next_date, updated_at)"
    " VALUES (?, ?, ?, 'united-opposition', ?, ?, ?, ?, 1, ?, ?, ?)"
)


def schedule_rows(channels: int, groups: int) -> list[tuple[object, ...]]:
    """`channels` schedules due at DUE, spread over `groups` groups."""
    due = int(DUE.timestamp())
    return [
        (
            "bench",
            f"g{n % groups}",
            f"c{n}",
            "09:00",
            ZONES[n % len(ZONES)],
            ("all", "current", "15")[n % 3],
            n % 2,
            due,
            "2026-11-20",
            int(START.timestamp()),
        )
        for n in range(channels)
    ]


async def fill(app: App, channels: int) -> None:
    """Insert `channels` schedules due at DUE (100 groups), in one transaction."""
    async with app.db.transaction():
        await app.db.execute("DELETE FROM daily_schedules")
        await app.db.execute("DELETE FROM daily_posts")
        await app.db.executemany(INSERT_SCHEDULES, schedule_rows(channels, 100))


async def build(folder: Path, clock: FakeClock) -> tuple[App, CountingPoster]:
    config = Config.model_validate(
        {"database": str(folder / "bench.sqlite3"), "content": str(ROOT / "content"), "seed": 1}
    )
    app = await build_app(config, clock=clock, rng=random.Random(1))
    poster = CountingPoster()
    app.engine.outbox.register("bench", poster)
    return app, poster


async def measure(channels: int, rounds: int) -> None:
    baseline: list[float] = []
    floors: list[float] = []
    dispatch: list[float] = []
    loop: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Direct calls, the loop not started.
        clock = FakeClock(START)
        app, poster = await build(folder, clock)
        service = app.feature("daily", DailyFeature).service
        repo = await service.repo()
        for _ in range(rounds):
            await fill(app, channels)
            t0 = time.perf_counter()
            done = await floor(app)
            floors.append(time.perf_counter() - t0)
            check(done == channels, f"the floor claimed {done} of {channels}")
            await fill(app, channels)
            clock.set(DUE)
            t0 = time.perf_counter()
            rows = await repo.due(int(DUE.timestamp()))
            baseline.append(time.perf_counter() - t0)
            check(len(rows) == channels, f"{len(rows)} due rows, expected {channels}")
            poster.count = 0
            t0 = time.perf_counter()
            sent = await service.dispatch_due(DUE)
            dispatch.append(time.perf_counter() - t0)
            check(sent == channels == poster.count, f"sent {sent}, poster saw {poster.count}")
            clock.set(START)
        await app.stop()
        # Through the scheduler loop.
        for _ in range(rounds):
            clock = FakeClock(START)
            app, poster = await build(folder, clock)
            await fill(app, channels)
            await app.start()
            scheduler = app.feature("daily", DailyFeature).scheduler
            await scheduler.wait_idle()
            check(scheduler.sleeping_until == DUE, f"loop sleeps until {scheduler.sleeping_until}")
            t0 = time.perf_counter()
            await clock.advance(DUE - START)
            await scheduler.wait_idle()
            loop.append(time.perf_counter() - t0)
            check(poster.count == channels, f"the loop posted {poster.count} of {channels}")
            await app.stop()

    base = statistics.median(baseline)
    print(f"daily dispatch, {channels} channels due at once, {rounds} rounds")
    print(f"  {'':32} {'ms min / median / max':>26}   ratio to the floor, run by run")
    print(f"  baseline: read the due rows      {spread(baseline)}")
    print(f"  floor: the same SQL on tuples    {spread(floors)}")
    for name, figures in (("dispatch_due (direct)", dispatch), ("scheduler loop", loop)):
        ratios = sorted(f / b for f, b in zip(figures, floors, strict=True))
        print(
            f"  {name:<32} {spread(figures)}   "
            + " / ".join(f"{r:.2f}" for r in ratios)
            + f" x  ({statistics.median(figures) / channels * 1e6:.1f} us/channel,"
            f" {statistics.median(figures) / base:.1f}x the read)"
        )


def spread(values: list[float]) -> str:
    lo, mid, hi = min(values), statistics.median(values), max(values)
    return f"{lo * 1000:7.1f} / {mid * 1000:7.1f} / {hi * 1000:7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description="daily dispatch against its database floor")
    parser.add_argument("channels", nargs="?", type=int, default=10_000)
    parser.add_argument("rounds", nargs="?", type=int, default=3)
    args = parser.parse_args()
    if args.channels < 1 or args.rounds < 1:
        parser.error("channels and rounds must be at least 1")
    asyncio.run(measure(args.channels, args.rounds))
    print(
        " ", subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    )


if __name__ == "__main__":
    main()
