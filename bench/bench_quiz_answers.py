"""5,000 members answer one quiz question at the same moment, through the core (the
engine runs each `answer` command line) and the storage (a real SQLite file); then the
question closes. Prints answers per second and the time to tally, checks that every
answer was recorded exactly once (exit 1 if not), and compares with baselines measured in
the same run on the same rows: raw aiosqlite upserts one by one, and one executemany.

    .venv/bin/python bench/bench_quiz_answers.py [members]
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_app  # noqa: E402  (after the path is set)
from bot.config import Config  # noqa: E402
from bot.core.clock import FakeClock  # noqa: E402
from bot.core.refs import Caller, Place  # noqa: E402
from bot.storage.db import connect  # noqa: E402

UPSERT = (
    "INSERT INTO quiz_answers (quiz_id, question, member, display_name, given, correct, "
    "points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (quiz_id, question, member) DO UPDATE SET given = excluded.given, "
    "correct = excluded.correct, points = excluded.points, answered_at = excluded.answered_at"
)


async def core_run(folder: Path, members: int) -> tuple[float, float, int, int]:
    config = Config.model_validate(
        {
            "database": str(folder / "core.sqlite3"),
            "content": str(ROOT / "content"),
            "seed": 1,
        }
    )
    clock = FakeClock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    app = await build_app(config, clock=clock, rng=random.Random(1))
    await app.start()
    try:
        engine = app.engine
        place = Place("bench", "group", "channel")
        moderator = Caller("mod", "Moderator", platform_moderator=True)
        started = await engine.run_line(moderator, place, "quiz start 15 questions 1")
        assert any("quiz-question" in r.tags for r in started), started
        callers = [Caller(f"member-{i}", f"Member {i}") for i in range(members)]
        letters = "ABC"
        t0 = time.perf_counter()
        replies = await asyncio.gather(
            *(engine.run_line(c, place, f"answer {letters[i % 3]}") for i, c in enumerate(callers))
        )
        answer_time = time.perf_counter() - t0
        acked = sum(1 for r in replies if "ack" in r[0].tags)
        t0 = time.perf_counter()
        closed = await engine.run_line(moderator, place, "quiz next")
        tally_time = time.perf_counter() - t0
        reveal = next(r for r in closed if "quiz-reveal" in r.tags)
        shown = {f.name: f.value for f in reveal.fields}
        assert shown["Answers"] == str(members), shown
        row = await app.db.fetchrow("SELECT COUNT(*), COUNT(DISTINCT member) FROM quiz_answers")
        assert row is not None
        rows, distinct = int(row[0]), int(row[1])
        ok = acked == members and rows == members and distinct == members
        return answer_time, tally_time, rows if ok else -1, acked
    finally:
        await app.stop()


async def baselines(folder: Path, members: int) -> tuple[float, float]:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).isoformat()
    rows = [(1, 0, f"member-{i}", f"Member {i}", "B) Ten", 1, 1, now) for i in range(members)]
    results = []
    for name in ("one-by-one", "executemany"):
        db = await connect(folder / f"{name}.sqlite3")
        try:
            await db.execute(
                "INSERT INTO quizzes (id, platform, group_id, channel_id, "
                "started_by, started_by_name, label, items, phase, question_at, started_at) "
                "VALUES (1, 'b', 'g', 'c', 'm', 'M', 'l', '[]', 'open', ?, ?)",
                (now, now),
            )
            t0 = time.perf_counter()
            if name == "one-by-one":
                await asyncio.gather(*(db.execute(UPSERT, r) for r in rows))
            else:
                await db.execute("BEGIN")
                await db.executemany(UPSERT, rows)
                await db.execute("COMMIT")
            results.append(time.perf_counter() - t0)
        finally:
            await db.close()
    return results[0], results[1]


async def main(members: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        answer_time, tally_time, recorded, acked = await core_run(folder, members)
        single, batch = await baselines(folder, members)
    rate = members / answer_time
    print(f"members answering at once:           {members}")
    print(f"core (engine + quiz + SQLite upsert): {answer_time:.3f} s, {rate:,.0f} answers/s")
    print(f"tally (close, reveal, save):          {tally_time * 1000:.1f} ms")
    print(f"baseline raw upserts one by one:      {single:.3f} s, {members / single:,.0f} rows/s")
    print(f"baseline one executemany:             {batch:.3f} s, {members / batch:,.0f} rows/s")
    print(f"core / raw one-by-one:                {answer_time / single:.2f}x the time")
    print(f"core / executemany:                   {answer_time / batch:.2f}x the time")
    if recorded != members:
        print(f"FAIL: {acked} acknowledged; rows not recorded exactly once", file=sys.stderr)
        return 1
    print(f"check: {members} answers acknowledged, {members} rows, each member once: OK")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)))
