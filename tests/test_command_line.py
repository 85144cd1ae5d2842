"""The command line itself: `--version`, and where the logs go while the console is the
terminal chat (a file under var/, not among the chat's lines)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

from bot.__main__ import log_file_for
from bot.config import Config
from tests.harness import ROOT


def test_version_prints_the_installed_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"kruzhok {version('kruzhok')}"


def test_the_logs_go_to_a_file_only_while_the_console_is_the_terminal_chat() -> None:
    console = Config()
    assert log_file_for(console, interactive=True) == Path("var/kruzhok.log")
    assert log_file_for(console, interactive=False) is None  # scripted: standard error
    elsewhere = Config.model_validate({"console": {"log_file": "logs/bot.log"}})
    assert log_file_for(elsewhere, interactive=True) == Path("logs/bot.log")
    assert log_file_for(Config.model_validate({"console": {"log_file": ""}}), True) is None
    discord_only = Config.model_validate({"adapters": ["discord"]})
    assert log_file_for(discord_only, interactive=True) is None


def read_until(fd: int, wanted: str, guard: float = 60.0) -> str:
    """What the terminal shows until `wanted` appears (or the process ends)."""
    shown = ""
    deadline = time.monotonic() + guard
    while wanted not in shown and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the process ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk.decode("utf-8", "replace")
    return shown


def test_a_console_in_a_terminal_writes_its_logs_under_var_not_into_the_chat(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"content: {ROOT / 'content'}\ndatabase: {tmp_path / 'kruzhok.sqlite3'}\nlog_level: DEBUG\n"
    )
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=tmp_path,
        close_fds=True,
    )
    os.close(slave)
    try:
        shown = read_until(master, "logs: var/kruzhok.log")
        os.write(master, b"/daily status\n")
        shown += read_until(master, "No daily quote here")
        os.write(master, b"/quit\n")
        shown += read_until(master, "\x00", guard=30)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert "logs: var/kruzhok.log" in shown and "No daily quote here" in shown
    assert " DEBUG " not in shown and " INFO " not in shown
    logged = (tmp_path / "var" / "kruzhok.log").read_text(encoding="utf-8")
    assert " DEBUG " in logged or " INFO " in logged
