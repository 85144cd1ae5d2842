"""`python -m bot db copy SRC DST` (issue 11): a SQLite database made by the app (the
legacy fixture, migrated and then used through commands) copied into PostgreSQL loses no
row; the app on the copy shows what it showed on the file; a non-empty destination is
refused and left as it was; bad input is one line and exit 2."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.__main__ import main
from bot.content.packs import load_library
from bot.core.clock import FakeClock
from tests.harness import ROOT, console_bot
from tests.library_support import MOD, OPPOSITION, make_library
from tests.pg.server import free_port
from tests.quiz_helpers import book_answers

FIXTURE = Path(__file__).parent / "fixtures" / "legacy_v5"
EXPECTED: dict[str, Any] = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
AT = datetime.fromisoformat(EXPECTED["story_clock"]["last_event_utc"])

Tables = dict[str, list[tuple[Any, ...]]]

# What a group sees of its history: the same lines are asked on the file and on the copy.
VIEWS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("/stats", {"user": "alice"}),
    ("/stats bob", {"user": "carol"}),
    ("/stats group all", {}),
    ("/plan show", {}),
    ("/progress", {"user": "alice"}),
    ("/book", {}),
    ("/daily status", {}),
    ("/privacy show", {"user": "alice"}),
    ("/quiz start 15 questions 1", MOD),  # a new quiz row: a fresh id on the copy too
    ("/quiz status", {}),
)
LEADERBOARDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("/quiz leaderboard", {}),
    ("/quiz leaderboard all all", {}),
    ("/quiz leaderboard 15 week", {"user": "bob"}),
)
CHART = re.compile(r"\[chart saved to [^\]]*\]")


def sqlite_tables(path: Path) -> Tables:
    """Every table of the file, its rows sorted (SQLite's own tables left out)."""
    con = sqlite3.connect(path)
    try:
        names = [
            str(r[0])
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        con.close()


async def pg_tables(url: str) -> Tables:
    """Every table of the PostgreSQL database but the version bookkeeping, rows sorted."""
    conn = await asyncpg.connect(url)
    try:
        names = [
            str(r[0])
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'"
            )
        ]
        return {
            n: sorted((tuple(r) for r in await conn.fetch(f'SELECT * FROM "{n}"')), key=repr)
            for n in names
        }
    finally:
        await conn.close()


async def make_source(tmp_path: Path) -> Path:
    """The legacy file, opened by the app (so migrated), then used: a book chosen, a plan,
    check-ins, messages, a quiz played to its end, a daily schedule and a post now."""
    db_file = tmp_path / "source.sqlite3"
    shutil.copy(FIXTURE / "kruzhok.sqlite3", db_file)
    async with app_on(tmp_path, str(db_file)) as bot:
        await bot.say(f"/book use {OPPOSITION}", **MOD)
        await bot.say("/plan set 15 due 2026-11-30", **MOD)
        await bot.say("/read", user="alice")
        await bot.say("/read", user="dora")
        await bot.say("", user="carol")
        await bot.say("", user="dora")
        book = load_library(ROOT / "content").book(OPPOSITION)
        shown = await bot.say("/quiz start 15 questions 2", **MOD)
        assert "Question 1 of 2" in shown
        _, wrong = book_answers(shown, book)
        await bot.say(f"/answer {wrong}", user="alice")
        await bot.say(f"/answer {wrong}", user="dora")
        _, wrong = book_answers(await bot.say("/quiz next", **MOD), book)
        await bot.say(f"/answer {wrong}", user="carol")
        await bot.say("/quiz stop", **MOD)
        await bot.say("/daily set time 20:00 timezone Europe/London", **MOD)
        await bot.say("/daily now", **MOD)
        await bot.say("/quiz practice 15 questions 2", user="erin")
    return db_file


def app_on(tmp_path: Path, database: str) -> Any:
    """The whole app on the console, on `database`, at the fixture's last moment. The same
    tmp_path for every run, so the chart files a view names are named alike."""
    library = tmp_path / "library"
    if not library.exists():
        make_library(library)
    return console_bot(
        tmp_path, FakeClock(AT), database=database, content=str(library), book=OPPOSITION
    )


async def views(
    tmp_path: Path, database: str, lines: tuple[tuple[str, dict[str, Any]], ...]
) -> list[str]:
    """What the app shows for each line (a chart's file name, numbered by the files already
    in the output folder, left out)."""
    async with app_on(tmp_path, database) as bot:
        return [CHART.sub("[chart]", await bot.say(line, **who)) for line, who in lines]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", "copy", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


async def test_a_sqlite_database_copied_to_postgresql_loses_no_row_and_shows_the_same(
    tmp_path: Path, postgres_url: str
) -> None:
    source = await make_source(tmp_path)
    before = sqlite_tables(source)
    for table in ("quizzes", "quiz_answers", "quiz_reveals", "activity_daily", "group_books"):
        assert before[table], f"the source should hold rows in {table}"
    for table in ("daily_schedules", "daily_posts", "reading_plans", "reading_checkins"):
        assert before[table], f"the source should hold rows in {table}"

    done = await asyncio.to_thread(run_cli, str(source), postgres_url)  # a real process
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    for table, rows in before.items():
        assert f"\n{table} " in done.stdout, table
        n = len(rows)
        assert any(line.split() == [table, str(n), str(n)] for line in done.stdout.splitlines())
    assert f"every table matches: {len(before)} tables" in done.stdout

    # Every row of every table, not only the counts; the source is left as it was.
    assert await pg_tables(postgres_url) == before
    assert sqlite_tables(source) == before

    # The app on the copy shows what it shows on the file, and adds rows with fresh ids.
    on_file = await views(tmp_path, str(source), VIEWS)
    on_copy = await views(tmp_path, postgres_url, VIEWS)
    assert on_copy == on_file
    assert "Question 1 of 1" in on_copy[-2]
    assert "Quiz accuracy: 3/4 correct" in on_copy[0]
    assert sqlite_tables(source) == await pg_tables(postgres_url)


async def test_the_app_on_the_copy_shows_the_same_quiz_leaderboards(
    tmp_path: Path, postgres_url: str
) -> None:
    source = await make_source(tmp_path)
    assert await asyncio.to_thread(main, ["db", "copy", str(source), postgres_url]) == 0
    on_file = await views(tmp_path, str(source), LEADERBOARDS)
    assert on_file[0].startswith("== Quiz leaderboard") and "1. alice" in on_file[0]
    assert await views(tmp_path, postgres_url, LEADERBOARDS) == on_file


async def test_a_non_empty_destination_is_refused_and_left_unchanged(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.sqlite3"
    shutil.copy(FIXTURE / "kruzhok.sqlite3", source)
    assert await asyncio.to_thread(main, ["db", "copy", str(source), postgres_url]) == 0
    copied = await pg_tables(postgres_url)
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute("DELETE FROM quiz_answers")
        await conn.execute("DELETE FROM quizzes")
    finally:
        await conn.close()
    capsys.readouterr()
    left = await pg_tables(postgres_url)
    assert left["activity_daily"], "the destination still holds rows in other tables"

    code = await asyncio.to_thread(main, ["db", "copy", str(source), postgres_url])
    out, err = capsys.readouterr()
    assert code == 2
    assert "the destination is not empty" in err and "activity_daily" in err
    assert err.count("\n") == 1 and out == ""
    assert await pg_tables(postgres_url) == left
    assert copied["quizzes"] != left["quizzes"]

    # The other way too: a non-empty SQLite file refuses a copy from PostgreSQL.
    back = tmp_path / "back.sqlite3"
    assert await asyncio.to_thread(main, ["db", "copy", postgres_url, str(back)]) == 0
    assert sqlite_tables(back) == left
    assert await asyncio.to_thread(main, ["db", "copy", str(source), str(back)]) == 2
    assert sqlite_tables(back) == left


async def test_a_copy_from_postgresql_back_to_sqlite_gives_the_same_rows(
    tmp_path: Path, postgres_url: str
) -> None:
    source = await make_source(tmp_path)
    assert await asyncio.to_thread(main, ["db", "copy", str(source), postgres_url]) == 0
    back = tmp_path / "folder" / "back.sqlite3"
    assert await asyncio.to_thread(main, ["db", "copy", postgres_url, str(back)]) == 0
    assert sqlite_tables(back) == sqlite_tables(source)
    # The copy carries the schema version of the code, not a copied bookkeeping row.
    versions = []
    for path in (source, back):
        con = sqlite3.connect(path)
        versions.append(con.execute("PRAGMA user_version").fetchone()[0])
        con.close()
    assert versions[0] == versions[1] > EXPECTED["schema"]["PRAGMA user_version"]


def legacy(tmp_path: Path) -> str:
    """A copy of the legacy file (the fixture itself is never opened: opening migrates)."""
    path = tmp_path / "legacy.sqlite3"
    shutil.copy(FIXTURE / "kruzhok.sqlite3", path)
    return str(path)


def newer_than_the_code(tmp_path: Path) -> str:
    path = tmp_path / "newer.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 999")
    con.close()
    return str(path)


@pytest.mark.parametrize(
    ("make_args", "says"),
    [
        (lambda t, u: [str(t / "missing.sqlite3"), u], "there is no database file"),
        (
            lambda t, u: [legacy(t), u.replace("postgres@", "postgres:pw@")],
            "carries a password: put it in the environment variable PGPASSWORD",
        ),
        (
            lambda t, u: [legacy(t), f"postgresql://postgres@127.0.0.1:{free_port()}/k"],
            "cannot use 'postgresql://postgres@127.0.0.1:",
        ),
        (lambda t, u: [newer_than_the_code(t), u], "newer than this Kruzhok knows"),
        (lambda t, u: [u, u], "the source and the destination are the same database"),
    ],
    ids=["missing-file", "password-in-url", "unreachable-server", "newer-source", "same"],
)
async def test_bad_input_is_one_clear_line_and_exit_2(
    tmp_path: Path,
    postgres_url: str,
    capsys: pytest.CaptureFixture[str],
    make_args: Any,
    says: str,
) -> None:
    code = await asyncio.to_thread(main, ["db", "copy", *make_args(tmp_path, postgres_url)])
    out, err = capsys.readouterr()
    assert code == 2
    assert says in err
    assert err.startswith("error: ") and err.count("\n") == 1 and out == ""
    assert ":pw@" not in err
    assert not (tmp_path / "missing.sqlite3").exists()
