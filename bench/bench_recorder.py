"""The participation recorder against a naive insert-and-commit per event and one raw
executemany in one transaction (the ceiling), all on databases opened the bot's way
(bot.storage.db.connect: WAL, synchronous NORMAL).

    .venv/bin/python bench/bench_recorder.py [--events 200000] [--naive 5000]

Events are synthetic messages: 2 groups, 10 channels each, 2,000 members (a few write
most: weights 1/rank, mostly in their home channel), spread over 7 days in time order. The naive way is measured on a smaller sample (--naive) because a
commit per event is slow; its rate is events per second all the same. A second workload
gives every event its own daily row (no two events share a member, channel and day), the
worst case for the recorder's in-memory counting; each workload has its own ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.activity import Activity, ActivityKind
from bot.core.clock import SystemClock
from bot.core.refs import Place
from bot.features.participation.recorder import Recorder
from bot.features.participation.repo import NAME_UPSERT, UPSERT, ParticipationRepo
from bot.storage.db import connect

START = datetime(2026, 11, 16, tzinfo=UTC)
TZ = ZoneInfo("Europe/Moscow")


def realistic(n: int, rng: random.Random) -> list[Activity]:
    """Chat-like traffic: a few members write most messages (weights 1/rank), mostly in
    their own home channel (4 times in 5)."""
    places = [Place("discord", f"g{g}", f"c{g}-{c}") for g in range(2) for c in range(10)]
    members = list(range(2000))
    weights = [1 / (rank + 1) for rank in members]
    home = {m: rng.choice(places) for m in members}
    step = timedelta(days=7) / n
    events = []
    for i, uid in enumerate(rng.choices(members, weights, k=n)):
        place = home[uid] if rng.random() < 0.8 else rng.choice(places)
        events.append(
            Activity(ActivityKind.MESSAGE, place, f"u{uid}", f"Member {uid}", START + step * i)
        )
    return events


def all_distinct(n: int) -> list[Activity]:
    place = Place("discord", "g0", "c0")
    return [
        Activity(ActivityKind.MESSAGE, place, f"u{i}", f"Member {i}", START + timedelta(seconds=i))
        for i in range(n)
    ]


def row(a: Activity) -> tuple[object, ...]:
    day = a.at.astimezone(TZ).date().isoformat()
    p = a.place
    return (day, p.platform, p.group_id, p.channel_id, a.user_id, "", 0, 1, 0, 0, 0, 0, 0)


def names(events: list[Activity]) -> list[tuple[str, str, str]]:
    return [(a.place.platform, a.user_id, a.display_name) for a in events]


async def count_rows(db_file: Path) -> tuple[int, int]:
    db = await connect(db_file)
    try:
        found = await db.fetchrow("SELECT COUNT(*), SUM(messages) FROM activity_daily")
        rows, total = (found[0], found[1]) if found else (0, 0)
        return int(rows), int(total or 0)
    finally:
        await db.close()


async def run_recorder(db_file: Path, events: list[Activity], flush_every: int) -> float:
    db = await connect(db_file)
    recorder = Recorder(
        ParticipationRepo(db), SystemClock(), TZ, flush_every=flush_every, flush_seconds=10
    )
    loop_task = asyncio.create_task(recorder.run())
    try:
        t0 = time.perf_counter()
        for i, activity in enumerate(events):
            recorder.record(activity)
            if i % 100 == 99:
                await asyncio.sleep(0)  # events arrive from the network: the loop turns
        loop_task.cancel()
        await asyncio.gather(loop_task, return_exceptions=True)
        await recorder.close()
        return time.perf_counter() - t0
    finally:
        await db.close()


async def run_naive(db_file: Path, events: list[Activity]) -> float:
    db = await connect(db_file)
    try:
        rows = [row(a) for a in events]
        named = names(events)
        t0 = time.perf_counter()
        for r, name in zip(rows, named, strict=True):
            await db.execute("BEGIN")
            await db.execute(UPSERT, r)
            await db.execute(NAME_UPSERT, name)
            await db.execute("COMMIT")
        return time.perf_counter() - t0
    finally:
        await db.close()


async def run_ceiling(db_file: Path, events: list[Activity]) -> float:
    db = await connect(db_file)
    try:
        rows = [row(a) for a in events]
        named = names(events)
        t0 = time.perf_counter()
        await db.execute("BEGIN")
        await db.executemany(UPSERT, rows)
        await db.executemany(NAME_UPSERT, named)
        await db.execute("COMMIT")
        return time.perf_counter() - t0
    finally:
        await db.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--naive", type=int, default=5_000)
    parser.add_argument("--flush-every", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(42)
    events = realistic(args.events, rng)
    worst = all_distinct(args.events)
    print(f"{args.events} synthetic message events, recorder flush_every={args.flush_every}")
    print(f"{'workload':<10} {'way':<42} {'events':>7} {'seconds':>8} {'events/s':>9} {'rows':>7}")
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for workload, evs in (("chat-like", events), ("distinct", worst)):
            rates = {}
            for way in ("ceiling", "naive", "recorder"):
                db_file = folder / f"{workload}-{way}.sqlite3"
                sample = evs[: args.naive] if way == "naive" else evs
                if way == "ceiling":
                    seconds = await run_ceiling(db_file, sample)
                elif way == "naive":
                    seconds = await run_naive(db_file, sample)
                else:
                    seconds = await run_recorder(db_file, sample, args.flush_every)
                rows, total = await count_rows(db_file)
                assert total == len(sample), f"{way}: {total} messages stored for {len(sample)}"
                rates[way] = len(sample) / seconds
                print(
                    f"{workload:<10} {WAYS[way]:<42} {len(sample):>7} {seconds:>8.3f} "
                    f"{rates[way]:>9.0f} {rows:>7}"
                )
            summary.append(
                f"{workload}: the recorder at {rates['recorder'] / rates['ceiling']:.0%} of the "
                f"ceiling and {rates['recorder'] / rates['naive']:.1f}x the naive way"
            )
    print("\n".join(summary))


WAYS = {
    "ceiling": "ceiling: one executemany, one transaction",
    "naive": "naive: insert + commit per event",
    "recorder": "recorder",
}


if __name__ == "__main__":
    asyncio.run(main())
