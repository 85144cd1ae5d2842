"""The participation recorder against a naive insert-and-commit per event and one raw
executemany in one transaction (the ceiling), all on databases opened the bot's way
(bot.storage.db.connect: WAL, synchronous NORMAL).

    .venv/bin/python bench/bench_recorder.py [--events 1000000] [--chat-events 200000]
        [--naive 5000] [--runs 3]

Events are synthetic messages: 2 groups, 10 channels each, 2,000 members (a few write
most: weights 1/rank, mostly in their home channel), spread over 7 days in time order. The naive way is measured on a smaller sample (--naive) because a
commit per event is slow; its rate is events per second all the same. A second workload
gives every event its own daily row (no two events share a member, channel and day), the
worst case for the recorder's in-memory counting; each workload has its own ceilings.

Each way runs in a child process of its own, three times, so that its peak RSS is its own
(`ru_maxrss`); events are made by a generator as they are recorded (a list of a million
Activity objects would weigh more than the recorder). The recorder is fed the way the
engine feeds it: `record()`, then `await room()` (back-pressure), the loop turning every
100 events. The ceilings time building the rows from the events too (the local day, the
tuple), then write them in one transaction:

- *ceiling, daily rows*: one executemany of the daily upsert per event and of the names,
  as before issue 15;
- *ceiling, same batch*: `ParticipationRepo.write_batch` once with the rows the recorder
  ends up with (counted from the events first): the same database work as the recorder
  (daily rows, the members, the per-day and per-month sums, the names), in one go.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.activity import Activity, ActivityKind
from bot.core.clock import SystemClock
from bot.core.refs import MemberRef, Place
from bot.features.participation.recorder import Recorder
from bot.features.participation.repo import NAME_UPSERT, UPSERT, DailyKey, ParticipationRepo
from bot.storage.db import connect

START = datetime(2026, 11, 16, tzinfo=UTC)
TZ = ZoneInfo("Europe/Moscow")


def realistic(n: int, rng: random.Random) -> Iterator[Activity]:
    """Chat-like traffic: a few members write most messages (weights 1/rank), mostly in
    their own home channel (4 times in 5)."""
    places = [Place("discord", f"g{g}", f"c{g}-{c}") for g in range(2) for c in range(10)]
    members = list(range(2000))
    weights = [1 / (rank + 1) for rank in members]
    home = {m: rng.choice(places) for m in members}
    step = timedelta(days=7) / n
    cumulative = list(itertools.accumulate(weights))
    for i in range(n):
        uid = rng.choices(members, cum_weights=cumulative)[0]
        place = home[uid] if rng.random() < 0.8 else rng.choice(places)
        yield Activity(ActivityKind.MESSAGE, place, f"u{uid}", f"Member {uid}", START + step * i)


def all_distinct(n: int) -> Iterator[Activity]:
    place = Place("discord", "g0", "c0")
    for i in range(n):
        yield Activity(
            ActivityKind.MESSAGE, place, f"u{i}", f"Member {i}", START + timedelta(seconds=i)
        )


def events_of(workload: str, n: int) -> Iterator[Activity]:
    return realistic(n, random.Random(42)) if workload == "chat-like" else all_distinct(n)


def row(a: Activity) -> tuple[object, ...]:
    day = a.at.astimezone(TZ).date().isoformat()
    p = a.place
    return (day, p.platform, p.group_id, p.channel_id, a.user_id, "", 0, 1, 0, 0, 0, 0, 0)


def names(events: Iterable[Activity]) -> list[tuple[str, str, str]]:
    return [(a.place.platform, a.user_id, a.display_name) for a in events]


async def count_rows(db_file: Path) -> tuple[int, int]:
    db = await connect(db_file)
    try:
        found = await db.fetchrow("SELECT COUNT(*), SUM(messages) FROM activity_daily")
        rows, total = (found[0], found[1]) if found else (0, 0)
        return int(rows), int(total or 0)
    finally:
        await db.close()


async def run_recorder(db_file: str | Path, events: Iterable[Activity], flush_every: int) -> float:
    db = await connect(db_file)
    recorder = Recorder(
        ParticipationRepo(db), SystemClock(), TZ, flush_every=flush_every, flush_seconds=10
    )
    loop_task = asyncio.create_task(recorder.run())
    try:
        t0 = time.perf_counter()
        for i, activity in enumerate(events):
            recorder.record(activity)
            await recorder.room()  # back-pressure, as the engine waits after each message
            if i % 100 == 99:
                await asyncio.sleep(0)  # events arrive from the network: the loop turns
        loop_task.cancel()
        await asyncio.gather(loop_task, return_exceptions=True)
        await recorder.close()
        return time.perf_counter() - t0
    finally:
        await db.close()


async def run_naive(db_file: Path, events: Iterable[Activity]) -> float:
    db = await connect(db_file)
    try:
        sample = list(events)
        rows = [row(a) for a in sample]
        named = names(sample)
        t0 = time.perf_counter()
        for r, name in zip(rows, named, strict=True):
            await db.execute("BEGIN")
            await db.execute(UPSERT, r)
            await db.execute(NAME_UPSERT, name)
            await db.execute("COMMIT")
        return time.perf_counter() - t0
    finally:
        await db.close()


async def run_ceiling_rows(db_file: Path, events: Iterable[Activity]) -> float:
    """The daily upsert per event and the names, built from the events, one transaction."""
    db = await connect(db_file)
    try:
        sample = list(events)
        t0 = time.perf_counter()
        rows = [row(a) for a in sample]
        named = names(sample)
        async with db.transaction():
            await db.executemany(UPSERT, rows)
            await db.executemany(NAME_UPSERT, named)
        return time.perf_counter() - t0
    finally:
        await db.close()


async def run_ceiling_batch(db_file: Path, events: Iterable[Activity]) -> float:
    """The recorder's final rows (counted from the events) through write_batch, once."""
    db = await connect(db_file)
    try:
        sample = list(events)
        t0 = time.perf_counter()
        counts: dict[DailyKey, list[int]] = {}
        named: dict[MemberRef, str] = {}
        for a in sample:
            key = DailyKey(*row(a)[:7])  # type: ignore[arg-type]
            counts.setdefault(key, [0, 0, 0, 0, 0, 0])[0] += 1
            named[MemberRef(a.place.platform, a.user_id)] = a.display_name
        await ParticipationRepo(db).write_batch(counts.items(), named)
        return time.perf_counter() - t0
    finally:
        await db.close()


WAYS = {
    "ceiling-rows": ("ceiling: daily rows, one executemany", run_ceiling_rows),
    "ceiling-batch": ("ceiling: the same batch, write_batch once", run_ceiling_batch),
    "naive": ("naive: insert + commit per event", run_naive),
    "recorder": ("recorder", run_recorder),
}


async def child(way: str, workload: str, n: int, flush_every: int, folder: Path) -> dict[str, Any]:
    db_file = folder / f"{workload}-{way}.sqlite3"
    events = events_of(workload, n)
    if way == "recorder":
        seconds = await run_recorder(db_file, events, flush_every)
    else:
        seconds = await WAYS[way][1](db_file, events)  # type: ignore[operator]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows, total = await count_rows(db_file)
    return {"seconds": seconds, "peak": peak, "rows": rows, "total": total}


def spread(values: list[float], fmt: str = "{:>9,.0f}") -> str:
    lo, mid, hi = min(values), statistics.median(values), max(values)
    return " / ".join(fmt.format(v) for v in (lo, mid, hi))


def main() -> None:
    if len(sys.argv) == 7 and sys.argv[1] == "--child":
        _, _, way, workload, n, every, folder = sys.argv
        for leftover in Path(folder).glob(f"{workload}-{way}.sqlite3*"):
            leftover.unlink()  # the previous run's database: each run starts empty
        print(json.dumps(asyncio.run(child(way, workload, int(n), int(every), Path(folder)))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)  # distinct: the worst case
    parser.add_argument("--chat-events", type=int, default=200_000)
    parser.add_argument("--naive", type=int, default=5_000)
    parser.add_argument("--flush-every", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{args.events} distinct and {args.chat_events} chat-like message events, recorder "
        f"flush_every={args.flush_every}, {args.runs} runs, each way in its own process",
        flush=True,
    )
    print(
        f"{'workload':<10} {'way':<44} {'events':>8}  {'events/s min / median / max':>31}  "
        f"{'peak RSS MB':>11} {'rows':>8}"
    )
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for workload in ("distinct", "chat-like"):
            rates: dict[str, list[float]] = {}
            events = args.events if workload == "distinct" else args.chat_events
            for way, (label, _) in WAYS.items():
                n = args.naive if way == "naive" else events
                results = []
                for _ in range(args.runs):
                    out = subprocess.run(
                        [sys.executable, __file__, "--child", way, workload, str(n),
                         str(args.flush_every), tmp],
                        check=True, capture_output=True, text=True,
                    )  # fmt: skip
                    results.append(json.loads(out.stdout.splitlines()[-1]))
                for got in results:
                    if got["total"] != n:
                        raise SystemExit(f"{way}: {got['total']} messages stored for {n}")
                rates[way] = [n / r["seconds"] for r in results]
                peak = max(r["peak"] for r in results)
                print(
                    f"{workload:<10} {label:<44} {n:>8}  {spread(rates[way])}  "
                    f"{peak:>11.0f} {results[0]['rows']:>8}",
                    flush=True,
                )
            for ceiling in ("ceiling-rows", "ceiling-batch"):
                ratios = sorted(
                    r / c for r, c in zip(rates["recorder"], rates[ceiling], strict=True)
                )
                summary.append(
                    f"{workload}: recorder at "
                    + " / ".join(f"{x:.0%}" for x in ratios)
                    + f" of the {ceiling} ceiling (runs' ratios, min / median / max)"
                )
            naive = statistics.median(rates["naive"])
            summary.append(
                f"{workload}: recorder at {statistics.median(rates['recorder']) / naive:.1f}x "
                "the naive way (medians)"
            )
    print("\n".join(summary))
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


if __name__ == "__main__":
    main()
