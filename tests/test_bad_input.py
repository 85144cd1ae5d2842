"""Bad input never crashes: a read-only database, config numbers out of range or not
numbers at all, NUL bytes in paths, hostile trivia files, a huge command line, disguised
mass mentions and a group moderator reaching for `reload` each get one clear answer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.core.refs import Caller, Place
from bot.core.safety import neutralise_mentions
from bot.core.words import MAX_LINE
from tests.harness import ROOT, SHIPPED_CONTENT, ConsoleBot, console_bot
from tests.quiz_helpers import QUIZ_CONTENT

# -- a read-only database ----------------------------------------------------------------


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file made read-only: by its mode, or, for root (whom modes do not stop), by the
    immutable attribute."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        path.parent.chmod(0o555)
        try:
            yield
        finally:
            path.parent.chmod(0o755)
            path.chmod(0o644)
        return
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_database_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {db_file}\ncontent: {SHIPPED_CONTENT}\n")
    run = [sys.executable, "-m", "bot", "run", "--config", str(config)]
    made = subprocess.run(run, input="/quit\n", capture_output=True, text=True, cwd=ROOT)
    assert made.returncode == 0, made.stderr
    with read_only(db_file):
        done = subprocess.run(
            run, input="/about\n", capture_output=True, text=True, cwd=ROOT, timeout=60
        )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: database: cannot use {str(db_file)!r} as the database: the file (or its "
        "folder) is read-only; the bot needs to write to it"
    ]


# -- config values that validate but would crash `run` -----------------------------------

BAD_VALUES = [
    ("participation:\n  retention_days: 3000000\n", "participation.retention_days", "at most"),
    ('database: "var/a\\0b.sqlite3"\n', "database", "NUL"),
    ('console:\n  output_dir: "out\\0put"\n', "console.output_dir", "NUL"),
    ("matrix:\n  max_retry_wait: .nan\n", "matrix.max_retry_wait", "finite"),
    ("matrix:\n  sync_timeout: -1\n", "matrix.sync_timeout", "at least 0"),
    ("matrix:\n  moderator_power_level: -50\n", "matrix.moderator_power_level", "at least 1"),
    ("matrix:\n  lease_renew_every: .inf\n", "matrix.lease_renew_every", "finite"),
    ("discord:\n  defer_after: .nan\n", "discord.defer_after", "finite"),
    ("participation:\n  flush_seconds: 0\n", "participation.flush_seconds", "more than 0"),
    ("seed: -1\n", "seed", "at least 0"),
]


@pytest.mark.parametrize(("text", "key", "says"), BAD_VALUES)
def test_validate_and_run_refuse_a_number_out_of_range_naming_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, key: str, says: str
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(text)
    assert main(["validate", str(SHIPPED_CONTENT), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{config}:" in err and f"{key}:" in err and says in err, err
    assert main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{key}:" in err and says in err and "Traceback" not in err, err


# -- hostile trivia files -----------------------------------------------------------------


def test_import_trivia_refuses_a_fifo_a_device_a_huge_file_and_deep_nesting_at_once(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    shutil.copytree(QUIZ_CONTENT, content)
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as out:
        out.write(b"q: [a]\n" * (20 * 1024 * 1024 // 7))
    deep = tmp_path / "deep.yaml"
    deep.write_text("q: " + "[" * 100_000 + "]" * 100_000 + "\n")
    files = [fifo, Path("/dev/zero"), huge, deep]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import-trivia", *map(str, files), "--book", "circle",
         "--deck", "hostile", "--content", str(content)],
        capture_output=True, text=True, cwd=ROOT, timeout=30,
    )  # fmt: skip
    assert done.returncode == 2
    err = done.stderr
    assert "Traceback" not in err
    assert f"{fifo}: not a regular file" in err
    assert "/dev/zero: not a regular file" in err
    assert f"{huge}: file is too large" in err
    assert any(line.startswith(f"{deep}:1:") and "nest" in line for line in err.splitlines())
    assert "nothing was written" in err
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before


# -- a huge command line -----------------------------------------------------------------


async def test_a_line_past_the_limit_is_refused_and_one_within_it_runs(
    console: ConsoleBot,
) -> None:
    huge = "/search " + "x" * 1_000_000
    shown = await console.say(huge)
    assert f"commands are limited to {MAX_LINE:,} characters" in shown
    assert "1,000,007 characters" in shown and "Nothing was done" in shown
    assert "Unknown command" in await console.say("/" + "y" * (MAX_LINE - 10))


async def test_quotes_still_group_words_as_before(console: ConsoleBot) -> None:
    shown = await console.say('/glossary "United Opposition"')
    assert "United Opposition" in shown


# -- disguised mass mentions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "@here0",
        "@everyone点",
        "@HEREx",
        "@everyone_",
        "@hereafter",
        "@here\u0301",
        "@everyone\u0661",
    ],
)
def test_mass_mentions_followed_by_letters_or_digits_of_any_script_are_defused(
    text: str,
) -> None:
    safe = neutralise_mentions(f"hi {text} there")
    assert safe == f"hi @\u200b{text[1:]} there"


def test_a_member_mention_and_a_defused_mention_are_left_alone() -> None:
    assert neutralise_mentions("ping @alice") == "ping @alice"
    once = neutralise_mentions("@everyone")
    assert neutralise_mentions(once) == once == "@\u200beveryone"


# -- reload is for the bot's operators ------------------------------------------------------


async def test_reload_is_for_operators_not_a_groups_moderator(tmp_path: Path) -> None:
    moderators = {"users": ["matrix:@op:example.org"]}
    async with console_bot(tmp_path, moderators=moderators) as bot:
        engine = bot.app.engine
        room = Place("matrix", "!room:example.org", "!room:example.org")
        group_mod = Caller("@mod:example.org", "mod", platform_moderator=True)
        operator = Caller("@op:example.org", "op")
        shown = await engine.run_line(group_mod, room, "reload", prefix="!")
        assert "Only the bot's operators" in shown[0].text
        assert "Content reloaded" in (await engine.run_line(operator, room, "reload"))[0].text
        # The console's moderator runs the bot in its terminal: an operator.
        assert "Content reloaded" in await bot.say("/reload", user="mod", moderator=True)
        assert "Only the bot's operators" in await bot.say("/reload", user="alice")
