"""Kruzhok at scale on PostgreSQL: 10,000 groups' daily posts from one and from two
processes, a burst of 5,000 quiz answers, and the participation recorder on 200,000
events; each against the raw statements measured in the same run.

    .venv/bin/python bench/bench_scale.py [--groups 10000] [--answers 5000]
        [--events 200000] [--runs 3] [--parts daily,quiz,recorder]

The run starts its own PostgreSQL (tests/pg/server.py: the system's binaries in a
temporary folder on a loopback port, run as the `postgres` user when we are root, with the
test settings fsync=off and synchronous_commit=off, so no figure includes a disk flush)
and stops it at the end. Each measurement gets a fresh database. Every part is repeated
--runs times and printed as min / median / max.

- daily: 10,000 groups of one channel each, all due at the same minute. Each bot copy is
  a separate OS process (multiprocessing, spawn) running the whole app on the database
  with a test clock and a poster that only counts; once every copy's scheduler sleeps
  until the due time, all are released at once and each advances its clock and waits for
  its loop to sleep again. Three cases: one process; two that each reach every channel
  (redundant copies); two that each reach half (as Discord processes reach only their
  shards' guilds: the poster's `reaches`). Timed from the first release to the last copy
  done. Checks:
  the posts the copies saw add up to one per channel, no channel twice, and daily_posts
  holds one 'posted' row per schedule. Baseline: the claim transaction's statements as
  DailyRepo.claim sends them (the two SELECTs, FOR UPDATE, then the INSERT and the UPDATE
  as executemany), 500 schedules per transaction, straight on one asyncpg connection.
- quiz: --answers members answer one question at once through the engine (as
  bench_quiz_answers.py, on PostgreSQL; the app started, so the recorder runs too).
  Baselines: the same rows as raw upserts issued at once through an asyncpg pool of the
  bot's size, both the plain upsert and the bot's own statement (which share-locks the
  quiz row), and one executemany.
- recorder: --events message events into the Recorder (as bench_recorder.py), chat-like
  and all-distinct. Ceilings: the rows the recorder ends up with (counted beforehand) as
  one executemany of the recorder's own upserts in one transaction, and as COPY into the
  empty tables. Rates are events per second for all three.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import asyncpg  # noqa: E402
from bench_daily import DUE, INSERT_SCHEDULES, START, schedule_rows  # noqa: E402
from bench_recorder import all_distinct, realistic, row, run_recorder  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.core.activity import Activity  # noqa: E402
from bot.core.clock import FakeClock  # noqa: E402
from bot.core.refs import Caller, Place  # noqa: E402
from bot.core.replies import Reply  # noqa: E402
from bot.features.daily.feature import DailyFeature  # noqa: E402
from bot.features.daily.repo import CLAIM_INSERT, CLAIM_UPDATE  # noqa: E402
from bot.features.participation.repo import NAME_UPSERT, UPSERT  # noqa: E402
from bot.storage.db import connect  # noqa: E402
from bot.storage.postgres import to_dollar  # noqa: E402
from tests.pg.server import PostgresServer  # noqa: E402

CLAIM_CHUNK = 500  # as bot.features.daily.repo.CLAIM_CHUNK
POOL_SIZE = 10  # as bot.storage.postgres.POOL_MAX
BOOK = "united-opposition"


def check(ok: bool, problem: str) -> None:
    if not ok:
        raise SystemExit(f"bench_scale: wrong result: {problem}")


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    return min(values), statistics.median(values), max(values)


def fmt(values: Sequence[float], scale: float = 1.0, unit: str = "s", width: int = 8) -> str:
    lo, mid, hi = spread(values)
    return f"{lo * scale:{width}.3f} / {mid * scale:{width}.3f} / {hi * scale:{width}.3f} {unit}"


def fmt_rate(values: Sequence[float]) -> str:
    lo, mid, hi = spread(values)
    return f"{lo:9,.0f} / {mid:9,.0f} / {hi:9,.0f}"


# -- daily fan-out ------------------------------------------------------------------------


class CountingPoster:
    """Counts posts. With `shard` (index, count) it reaches only the channels c<n> with
    n % count == index, as a Discord process reaches only its own shards' guilds."""

    def __init__(self, shard: tuple[int, int] | None = None) -> None:
        self.channels: list[str] = []
        self.shard = shard

    def reaches(self, place: Place) -> bool:
        if self.shard is None:
            return True
        index, count = self.shard
        return int(place.channel_id[1:]) % count == index

    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        self.channels.append(place.channel_id)


async def fill_daily(url: str, groups: int) -> None:
    """`groups` groups of one channel each, all due at DUE (bench_daily.py's schedules)."""
    db = await connect(url)
    try:
        async with db.transaction():
            await db.execute("DELETE FROM daily_posts")
            await db.execute("DELETE FROM daily_schedules")
            await db.executemany(INSERT_SCHEDULES, schedule_rows(groups, groups))
    finally:
        await db.close()


def daily_copy(url: str, shard: tuple[int, int] | None, ready: Any, go: Any, results: Any) -> None:
    """One bot copy, in its own process: start the app, say ready, wait, post what is due."""
    try:
        results.put(asyncio.run(_daily_copy(url, shard, ready, go)))
    except BaseException as exc:  # reported to the parent, which fails the run
        ready.put(("error", repr(exc)))  # (the parent may still be waiting for ready)
        results.put(("error", repr(exc)))
        raise


async def _daily_copy(
    url: str, shard: tuple[int, int] | None, ready: Any, go: Any
) -> tuple[Any, ...]:
    config = Config.model_validate({"database": url, "content": str(ROOT / "content"), "seed": 1})
    clock = FakeClock(START)
    app = await build_app(config, clock=clock, rng=random.Random())
    poster = CountingPoster(shard)
    app.engine.outbox.register("bench", poster)
    await app.start()
    try:
        scheduler = app.feature("daily", DailyFeature).scheduler
        await scheduler.wait_idle()
        if scheduler.sleeping_until != DUE:
            raise RuntimeError(f"the loop sleeps until {scheduler.sleeping_until}, not {DUE}")
        ready.put(("ok",))
        go.wait()  # blocks this process's loop on purpose: nothing is due before the release
        t0 = time.monotonic()
        await clock.advance(DUE - START)
        await scheduler.wait_idle()
        t1 = time.monotonic()
        return ("ok", t0, t1, poster.channels)
    finally:
        await app.stop()


def fan_out(url: str, copies: int, sharded: bool) -> tuple[float, list[int], list[str]]:
    """Run `copies` bot processes on the database (each reaching every channel, or with
    `sharded` each its share); the wall time from the first release to the last copy
    done, the posts of each copy, and every channel posted."""
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(
            target=daily_copy,
            args=(url, (i, copies) if sharded else None, ready, go, results),
        )
        for i in range(copies)
    ]
    for p in procs:
        p.start()
    try:
        said = [ready.get(timeout=300) for _ in procs]
        check(all(s[0] == "ok" for s in said), f"a bot copy failed to start: {said}")
        go.set()
        done = [results.get(timeout=600) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=120)
            if p.is_alive():
                p.kill()
    failures = [d[1] for d in done if d[0] != "ok"]
    check(not failures, f"a bot copy failed: {failures}")
    start = min(d[1] for d in done)
    end = max(d[2] for d in done)
    channels = [c for d in done for c in d[3]]
    return end - start, [len(d[3]) for d in done], channels


async def daily_rows(url: str) -> tuple[int, int, int]:
    conn = await asyncpg.connect(url)
    try:
        found = await conn.fetchrow(
            "SELECT COUNT(*), COUNT(DISTINCT (schedule_id, local_date)),"
            " COUNT(*) FILTER (WHERE status = 'posted') FROM daily_posts"
        )
        assert found is not None
        return int(found[0]), int(found[1]), int(found[2])
    finally:
        await conn.close()


# The claim's statements, as DailyRepo._claim_chunk sends them (the reads copied, the writes
# its own constants; ? -> $n by to_dollar).
CLAIM_VERSIONS = "SELECT id, version FROM daily_schedules WHERE id IN ({ids}) FOR UPDATE"
CLAIM_TAKEN = (
    "SELECT schedule_id, local_date FROM daily_posts"
    " WHERE schedule_id IN ({ids}) AND local_date IN ({dates})"
)


def marks(count: int) -> str:
    return ", ".join("?" for _ in range(count))


async def raw_claims(url: str) -> tuple[float, int]:
    """The claim statements alone on the due rows, 500 per transaction, one connection."""
    conn = await asyncpg.connect(url)
    try:
        ids = [int(r[0]) for r in await conn.fetch("SELECT id FROM daily_schedules ORDER BY id")]
        now = int(DUE.timestamp())
        nxt = int((DUE + timedelta(days=1)).timestamp())
        date, tomorrow = "2026-11-20", "2026-11-21"
        t0 = time.perf_counter()
        for start in range(0, len(ids), CLAIM_CHUNK):
            chunk = ids[start : start + CLAIM_CHUNK]
            async with conn.transaction():
                await conn.fetch(to_dollar(CLAIM_VERSIONS.format(ids=marks(len(chunk)))), *chunk)
                await conn.fetch(
                    to_dollar(CLAIM_TAKEN.format(ids=marks(len(chunk)), dates="?")), *chunk, date
                )
                await conn.executemany(
                    to_dollar(CLAIM_INSERT),
                    [(date, BOOK, "claimed", f"q{i}", now, i) for i in chunk],
                )
                await conn.executemany(
                    to_dollar(CLAIM_UPDATE),
                    [
                        (nxt, tomorrow, date, nxt, f'["q{i}"]', BOOK, f"q{i}", None, None, now, i)
                        for i in chunk
                    ],
                )
        seconds = time.perf_counter() - t0
        claimed = int(await conn.fetchval("SELECT COUNT(*) FROM daily_posts") or 0)
        return seconds, claimed
    finally:
        await conn.close()


async def bench_daily(server: PostgresServer, groups: int, runs: int) -> None:
    print(f"daily fan-out: {groups} groups of one channel, all due at once, {runs} runs")
    cases = {
        "1": (1, False, "1 process: due -> all sent"),
        "2": (2, False, "2 processes, each reaching all"),
        "2s": (2, True, "2 processes, each reaching half"),
    }
    times: dict[str, list[float]] = {"raw": [], **{c: [] for c in cases}}
    shares: dict[str, list[list[int]]] = {"2": [], "2s": []}
    for _ in range(runs):
        url = server.create_database()
        await fill_daily(url, groups)
        seconds, claimed = await raw_claims(url)
        check(claimed == groups, f"raw claims stored {claimed} rows for {groups}")
        times["raw"].append(seconds)
        for case, (copies, sharded, _) in cases.items():
            await fill_daily(url, groups)
            wall, per_copy, channels = await asyncio.to_thread(fan_out, url, copies, sharded)
            rows, distinct, posted = await daily_rows(url)
            check(
                len(channels) == len(set(channels)) == groups,
                f"{copies} copies: {len(channels)} posts, {len(set(channels))} channels, "
                f"{groups} due",
            )
            check(
                rows == distinct == posted == groups,
                f"{copies} copies: daily_posts holds {rows} rows, {distinct} distinct days, "
                f"{posted} posted, for {groups} channels",
            )
            times[case].append(wall)
            if case in shares:
                shares[case].append(per_copy)
    raw = times["raw"]
    print(f"  {'':38} {'min':>8}   {'median':>8}   {'max':>8}")
    print(f"  {'raw claim statements alone':<38} {fmt(raw)}")
    for case, (_, _, label) in cases.items():
        ratios = [t / r for t, r in zip(times[case], raw, strict=True)]
        print(f"  {label:<38} {fmt(times[case])}")
        print(f"  {'  ratio to the raw claims (same run)':<38} {fmt(ratios, unit='x')}")
    for case, runs_ in shares.items():
        split = ", ".join("+".join(map(str, s)) for s in runs_)
        print(f"  posts per copy, {cases[case][2]}: {split}")
    print(f"  check: each run {groups} posts, each channel once, {groups} posted rows: OK")


# -- quiz burst ---------------------------------------------------------------------------

QUIZ_UPSERT = (
    "INSERT INTO quiz_answers (quiz_id, question, member, display_name, given, correct, "
    "points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (quiz_id, question, member) DO UPDATE SET given = excluded.given, "
    "correct = excluded.correct, points = excluded.points, answered_at = excluded.answered_at"
)
# The bot's statement (QuizRepo.save_answer_if_open on PostgreSQL, copied): written only
# while the question is open, the quiz row share-locked by the subquery.
QUIZ_UPSERT_IF_OPEN = (
    "INSERT INTO quiz_answers (quiz_id, question, member, display_name, given, correct, "
    "points, answered_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM quizzes "
    "WHERE id = ? AND position = ? AND phase = 'open' FOR SHARE)"
    " ON CONFLICT (quiz_id, question, member) DO UPDATE SET "
    "display_name = excluded.display_name, given = excluded.given, "
    "correct = excluded.correct, points = excluded.points, answered_at = excluded.answered_at"
)


async def quiz_core(url: str, members: int) -> float:
    config = Config.model_validate({"database": url, "content": str(ROOT / "content"), "seed": 1})
    clock = FakeClock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    app = await build_app(config, clock=clock, rng=random.Random(1))
    await app.start()
    try:
        engine = app.engine
        place = Place("bench", "group", "channel")
        moderator = Caller("mod", "Moderator", platform_moderator=True)
        started = await engine.run_line(moderator, place, "quiz start 15 questions 1")
        check(any("quiz-question" in r.tags for r in started), f"no question: {started}")
        callers = [Caller(f"member-{i}", f"Member {i}") for i in range(members)]
        t0 = time.perf_counter()
        replies = await asyncio.gather(
            *(engine.run_line(c, place, f"answer {'ABC'[i % 3]}") for i, c in enumerate(callers))
        )
        seconds = time.perf_counter() - t0
        acked = sum(1 for r in replies if "ack" in r[0].tags)
        found = await app.db.fetchrow("SELECT COUNT(*), COUNT(DISTINCT member) FROM quiz_answers")
        assert found is not None
        check(
            acked == members == int(found[0]) == int(found[1]),
            f"{acked} acknowledged, {found[0]} rows, {found[1]} members, for {members}",
        )
        return seconds
    finally:
        await app.stop()


async def quiz_raw(url: str, members: int, way: str) -> float:
    db = await connect(url)  # the schema
    quiz_id = 1
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).isoformat()
    try:
        await db.execute(
            "INSERT INTO quizzes (id, platform, group_id, channel_id, started_by, started_by_name,"
            " label, items, phase, position, question_at, started_at)"
            " VALUES (?, 'b', 'g', 'c', 'm', 'M', 'l', '[]', 'open', 0, ?, ?)",
            (quiz_id, now, now),
        )
    finally:
        await db.close()
    rows = [(quiz_id, 0, f"member-{i}", f"Member {i}", "B) Ten", 1, 1, now) for i in range(members)]
    pool = await asyncpg.create_pool(url, min_size=POOL_SIZE, max_size=POOL_SIZE)
    try:
        t0 = time.perf_counter()
        if way == "plain":
            sql = to_dollar(QUIZ_UPSERT)
            await asyncio.gather(*(pool.execute(sql, *r) for r in rows))
        elif way == "locking":
            sql = to_dollar(QUIZ_UPSERT_IF_OPEN)
            await asyncio.gather(*(pool.execute(sql, *r, quiz_id, 0) for r in rows))
        else:
            async with pool.acquire() as conn, conn.transaction():
                await conn.executemany(to_dollar(QUIZ_UPSERT), rows)
        seconds = time.perf_counter() - t0
        stored = await pool.fetchval("SELECT COUNT(DISTINCT member) FROM quiz_answers")
        check(stored == members, f"raw {way}: {stored} members stored for {members}")
        return seconds
    finally:
        await pool.close()


async def bench_quiz(server: PostgresServer, members: int, runs: int) -> None:
    print(f"quiz burst: {members} members answer one question at once, {runs} runs")
    ways = {
        "core": "core (engine + quiz + PostgreSQL)",
        "plain": "raw upserts at once, pool of 10",
        "locking": "raw bot statement (FOR SHARE)",
        "many": "raw one executemany",
    }
    times: dict[str, list[float]] = {w: [] for w in ways}
    for _ in range(runs):
        times["core"].append(await quiz_core(server.create_database(), members))
        for way in ("plain", "locking", "many"):
            times[way].append(await quiz_raw(server.create_database(), members, way))
    print(f"  {'':38} {'seconds: min / median / max':>30}   {'answers/s: min / median / max'}")
    for way, label in ways.items():
        rates = [members / t for t in times[way]]
        print(f"  {label:<38} {fmt(times[way])}   {fmt_rate(rates)}")
    for way in ("plain", "locking", "many"):
        ratios = [c / r for c, r in zip(times["core"], times[way], strict=True)]
        print(f"  {'core / ' + ways[way]:<52} {fmt(ratios, unit='x the time')}")
    print(f"  check: each run {members} answers acknowledged, {members} rows, each once: OK")


# -- participation recorder ---------------------------------------------------------------


async def recorder_run(url: str, events: list[Activity]) -> float:
    return await run_recorder(url, events, flush_every=500)


def names(events: list[Activity]) -> list[tuple[str, str, str]]:
    return [(a.place.platform, a.user_id, a.display_name) for a in events]


def final_rows(
    events: list[Activity],
) -> tuple[list[tuple[object, ...]], list[tuple[str, str, str]]]:
    """The rows the recorder ends up with, counted beforehand: one per member, channel and
    day (with its message count), and each member's latest name."""
    counted: dict[tuple[object, ...], int] = {}
    for a in events:
        key = row(a)[:7]
        counted[key] = counted.get(key, 0) + 1
    rows = [(*k, n, 0, 0, 0, 0, 0) for k, n in counted.items()]
    latest = {(p, u): n for p, u, n in names(events)}
    return rows, [(p, u, n) for (p, u), n in latest.items()]


async def executemany_ceiling(url: str, events: list[Activity]) -> float:
    """The recorder's rows as the recorder's own upserts, one executemany each, one
    transaction. (Not one upsert per event: on chat-like traffic that updates a few hot
    rows thousands of times in one transaction, which PostgreSQL does at ~2,000 rows/s.)"""
    rows, named = final_rows(events)
    conn = await asyncpg.connect(url)
    try:
        t0 = time.perf_counter()
        async with conn.transaction():
            await conn.executemany(to_dollar(UPSERT), rows)
            await conn.executemany(to_dollar(NAME_UPSERT), named)
        return time.perf_counter() - t0
    finally:
        await conn.close()


async def copy_ceiling(url: str, events: list[Activity]) -> float:
    """COPY of the same rows into the empty tables."""
    rows, named = final_rows(events)
    conn = await asyncpg.connect(url)
    try:
        t0 = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table("activity_daily", records=rows, columns=COLUMNS)
            await conn.copy_records_to_table(
                "participants", records=named, columns=["platform", "user_id", "display_name"]
            )
        return time.perf_counter() - t0
    finally:
        await conn.close()


COLUMNS = [
    "day", "platform", "group_id", "channel_id", "user_id", "book_id", "chapter",
    "messages", "thread_replies", "reactions", "quiz_answers", "quiz_correct", "commands",
]  # fmt: skip


async def stored(url: str) -> tuple[int, int]:
    conn = await asyncpg.connect(url)
    try:
        found = await conn.fetchrow("SELECT COUNT(*), SUM(messages) FROM activity_daily")
        assert found is not None
        return int(found[0]), int(found[1] or 0)
    finally:
        await conn.close()


async def schema(url: str) -> str:
    db = await connect(url)
    await db.close()
    return url


async def bench_recorder(server: PostgresServer, count: int, runs: int) -> None:
    print(f"participation recorder: {count} message events, flush_every=500, {runs} runs")
    workloads = {
        "chat-like": list(realistic(count, random.Random(42))),
        "distinct": list(all_distinct(count)),
    }
    ways: dict[str, tuple[str, Callable[[str, list[Activity]], Any]]] = {
        "executemany": ("ceiling: executemany of the same rows", executemany_ceiling),
        "copy": ("ceiling: COPY of the recorder's rows", copy_ceiling),
        "recorder": ("recorder", recorder_run),
    }
    print(f"  {'workload':<10} {'way':<38} {'events/s: min / median / max':>31} {'rows':>7}")
    summary = []
    for workload, events in workloads.items():
        rates: dict[str, list[float]] = {w: [] for w in ways}
        rows_of: dict[str, int] = {}
        for _ in range(runs):
            for way, (_, run) in ways.items():
                url = await schema(server.create_database())
                seconds = await run(url, events)
                rows, total = await stored(url)
                check(total == count, f"{workload} {way}: {total} messages stored for {count}")
                rates[way].append(count / seconds)
                rows_of[way] = rows
        for way, (label, _) in ways.items():
            print(f"  {workload:<10} {label:<38} {fmt_rate(rates[way])} {rows_of[way]:>7}")
        for ceiling in ("executemany", "copy"):
            shares = [r / c for r, c in zip(rates["recorder"], rates[ceiling], strict=True)]
            lo, mid, hi = spread(shares)
            summary.append(
                f"  {workload}: recorder at {lo:.0%} / {mid:.0%} / {hi:.0%} of the {ceiling} "
                f"ceiling (min / median / max of the runs' ratios; target 50%)"
            )
    print("\n".join(summary))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=5_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parts", default="daily,quiz,recorder")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    server = PostgresServer()
    server.start()
    try:
        conn = await asyncpg.connect(server.url())
        version = await conn.fetchval("SHOW server_version")
        await conn.close()
        print(
            f"PostgreSQL {version} (fsync=off, synchronous_commit=off), Python {sys.version.split()[0]}"
        )
        began = time.perf_counter()
        if "daily" in parts:
            await bench_daily(server, args.groups, args.runs)
        if "quiz" in parts:
            await bench_quiz(server, args.answers, args.runs)
        if "recorder" in parts:
            await bench_recorder(server, args.events, args.runs)
        print(f"total {time.perf_counter() - began:.0f} s")
    finally:
        server.stop()


if __name__ == "__main__":
    asyncio.run(main())
