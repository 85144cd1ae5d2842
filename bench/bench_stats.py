"""`stats group all`, `stats group` (30 days) and `stats` for one member with 1, 1,000 and
10,000 members and a year of history; the event loop's lag while they run.

The data: a SQLite file in a temporary folder in the bot's schema (all migrations), one
group, a year of days ending on the test clock's today. Each member is active on about
`--density` of the days (a fixed hash of member and day decides), with one daily row in
one of three channels that day; every member has a display name. The rows are written by
SQL (a recursive CTE), not by Python objects, so building 10,000 members takes seconds;
then the members and the sums (migration 0013) are made from them as the recorder would
have written them (`sums.rebuild`).

Each measurement runs in a fresh child process (so its peak RSS is its own): it builds the
whole app on the console adapter (the shipped content, a test clock), then runs the
command three times through the adapter, the chart included (and again with a renderer that draws nothing: "figures"), while a ticker task wakes
every 5 ms and records how late it woke (the loop's lag). The baseline, in the same run
and on the same file: the old way, every daily row of the period read as a `DailyRow`
object and summed in Python (what `stats group` did before issue 15), without the chart.

Usage: .venv/bin/python bench/bench_stats.py [--members 1,1000,10000] [--density 0.25]
       [--old-up-to 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from looplag import lag_while

from bot.adapters.console import ConsoleAdapter
from bot.app import build_app
from bot.config import Config
from bot.core.clock import FakeClock
from bot.core.refs import GroupRef
from bot.features.participation import sums
from bot.features.participation.feature import ParticipationFeature
from bot.storage.db import connect
from bot.storage.migrate import migrate

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAYS = 365
GROUP = "console"  # the console adapter's default group


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def build(db_file: Path, members: int, density: float) -> int:
    db = await connect(db_file)
    try:
        await migrate(db)
    finally:
        await db.close()
    first = (NOW.date() - timedelta(days=DAYS - 1)).isoformat()
    threshold = int(density * 1000)
    con = sqlite3.connect(db_file)
    try:
        con.executescript(
            f"""
            WITH RECURSIVE
              u(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM u WHERE n + 1 < {members}),
              d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k + 1 < {DAYS})
            INSERT INTO activity_daily (day, platform, group_id, channel_id, user_id, book_id,
                chapter, messages, thread_replies, reactions, quiz_answers, quiz_correct,
                commands)
            SELECT date('{first}', '+' || k || ' days'), 'console', '{GROUP}',
                'c' || ((n + k) % 3), printf('u%05d', n), 'united-opposition', 0,
                1 + (n * 7 + k) % 9, (n + k) % 3, (n * 3 + k) % 5, (n + k * 5) % 2,
                (n + k * 5) % 2 * ((n + k) % 2), (n * 11 + k) % 4 / 3
            FROM u, d
            WHERE (n * 7919 + k * 104729 + (n * k) % 997) % 1000 < {threshold} OR k = {DAYS - 1};
            INSERT INTO participants (platform, user_id, display_name)
              SELECT DISTINCT 'console', user_id, 'Member ' || substr(user_id, 2)
              FROM activity_daily;
            """
        )
        con.commit()
        rows = int(con.execute("SELECT COUNT(*) FROM activity_daily").fetchone()[0])
    finally:
        con.close()
    db = await connect(db_file)
    try:
        await sums.rebuild(db)  # the members and sums the recorder would have written
    finally:
        await db.close()
    return rows


async def old_way(feature: ParticipationFeature, first: str, last: str) -> tuple[int, int]:
    """What `stats group` computed before issue 15: every daily row as a DailyRow, summed
    in Python (active members, totals, per day, per member for the ranking)."""
    rows = await feature.repo.daily(GroupRef("console", GROUP), first, last)
    active = {r.user_id for r in rows if r.total}
    posts: dict[str, int] = defaultdict(int)
    members: dict[str, set[str]] = defaultdict(set)
    per: dict[str, int] = defaultdict(int)
    for r in rows:
        posts[r.day] += r.messages + r.thread_replies
        if r.total:
            members[r.day].add(r.user_id)
        per[r.user_id] += r.messages + r.thread_replies + r.reactions
    ids = await feature.repo.active_members(GroupRef("console", GROUP))
    sorted(per.items(), key=lambda kv: -kv[1])[:5]
    return len(active), len(ids)


async def child(db_file: Path, what: str) -> dict[str, Any]:
    config = Config.model_validate(
        {
            "database": str(db_file),
            "content": str(ROOT / "content"),
            "console": {"output_dir": str(db_file.parent / "console")},
            "seed": 7,
        }
    )
    app = await build_app(config, clock=FakeClock(NOW), rng=random.Random(7))
    adapter = ConsoleAdapter(app.engine, config.console, stdin=io.StringIO(), stdout=io.StringIO())
    await app.start()
    started = rss_mb()
    feature = app.feature("participation", ParticipationFeature)
    first = (NOW.date() - timedelta(days=DAYS - 1)).isoformat()
    last = NOW.date().isoformat()
    shown = ""

    if what.startswith("figures "):  # the same command without drawing its chart
        what = what.removeprefix("figures ")

        async def no_chart(spec: object) -> bytes:
            return b""

        feature.stats.render = no_chart

    async def run() -> None:
        nonlocal shown
        if what == "old":
            await old_way(feature, first, last)
        elif what == "idle":  # the lag of a loop with nothing to do (the machine's noise)
            await asyncio.sleep(0.3)
        else:
            shown = await adapter.handle(what, user="u00000")

    try:
        results = [await lag_while(run) for _ in range(3)]
    finally:
        await app.stop()
    return {
        "seconds": [s for s, _ in results],
        "lag": [lag for _, lag in results],
        "rss_started": started,
        "peak": peak_mb(),
        "shown": shown,
    }


def run_child(db_file: Path, what: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(db_file), what],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.splitlines()[-1]))


def spread(values: list[float], scale: float = 1000.0) -> str:
    lo, mid, hi = min(values), statistics.median(values), max(values)
    return f"{lo * scale:8.1f} / {mid * scale:8.1f} / {hi * scale:8.1f}"


def check(ok: bool, problem: str) -> None:
    if not ok:
        raise SystemExit(f"bench_stats: wrong result: {problem}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(asyncio.run(child(Path(sys.argv[2]), sys.argv[3]))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", default="1,1000,10000")
    parser.add_argument("--density", type=float, default=0.25)
    parser.add_argument("--old-up-to", type=int, default=10000)
    args = parser.parse_args()
    print(
        f"stats with a year of history ({DAYS} days), each member active on about "
        f"{args.density:.0%} of the days; 3 runs each, ms min / median / max"
    )
    commands = (
        "idle",
        "/stats group all",
        "figures /stats group all",
        "/stats group",
        "figures /stats group",
        "/stats",
        "figures /stats",
        "figures /stats u00000",
    )
    with tempfile.TemporaryDirectory() as folder:
        for members in (int(m) for m in args.members.split(",")):
            db_file = Path(folder) / f"stats-{members}.sqlite3"
            started = time.perf_counter()
            rows = asyncio.run(build(db_file, members, args.density))
            print(
                f"\n{members} members, {rows} daily rows "
                f"(built in {time.perf_counter() - started:.1f} s)"
            )
            print(
                f"  {'what':34} {'time ms':>26}   {'loop lag ms':>26}   peak RSS MB (app started)"
            )
            figures: dict[str, dict[str, Any]] = {}
            whats = [*commands, *(["old"] if members <= args.old_up_to else [])]
            for what in whats:
                got = figures[what] = run_child(db_file, what)
                label = "baseline: old way, rows as objects" if what == "old" else what
                print(
                    f"  {label:34} {spread(got['seconds'])}   {spread(got['lag'])}   "
                    f"{got['peak']:6.0f} ({got['rss_started']:.0f})"
                )
            shown = figures["/stats group all"]["shown"]
            check(f"Active members: {members}" in shown, f"active members in {shown!r}")
            shown = figures["figures /stats u00000"]["shown"]
            check("Participation of u00000" in shown, f"a member's stats in {shown!r}")
            if "old" in figures:
                old = figures["old"]["seconds"]
                for what in commands[1:]:
                    new = figures[what]["seconds"]
                    ratios = sorted(n / o for n, o in zip(new, old, strict=True))
                    print(
                        f"  {what:34} / baseline: "
                        + " / ".join(f"{r:.3f}" for r in ratios)
                        + " x (min / median / max of the runs' ratios)"
                    )
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


if __name__ == "__main__":
    main()
