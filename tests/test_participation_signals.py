"""On a real `python -m bot run` process: SIGTERM and SIGINT lose no recorded event (the
shutdown flush), and SIGKILL mid-stream leaves an intact database that loses at most the
events not yet written."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.databases import POSTGRES, database_for, rows
from tests.harness import ROOT, SHIPPED_CONTENT
from tests.participation_support import message_total

WAIT = 30.0


class BotProcess:
    def __init__(self, tmp_path: Path, flush_every: int, flush_seconds: int) -> None:
        self.db_file = tmp_path / "kruzhok.sqlite3"
        config = tmp_path / "config.yaml"
        config.write_text(
            f"database: {database_for(self.db_file)}\ncontent: {SHIPPED_CONTENT}\n"
            f"console:\n  output_dir: {tmp_path / 'out'}\n"
            f"participation:\n  flush_every: {flush_every}\n  flush_seconds: {flush_seconds}\n"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(config), "--user", "alice"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            env=env,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def send(self, *lines: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("".join(f"{line}\n" for line in lines))
        self.proc.stdin.flush()

    def wait_for(self, text: str) -> None:
        """Block until the bot prints `text` (it handles lines in order, so every line sent
        before the command that prints it has been taken)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                if text in self.lines.get(timeout=deadline - time.monotonic()):
                    return
            except queue.Empty:
                break
        raise AssertionError(f"the bot did not print {text!r}")

    def stop(self, sig: int) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            assert self.proc.stdin is not None
            self.proc.stdin.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_clean_shutdown_writes_every_recorded_event(tmp_path: Path, sig: int) -> None:
    bot = BotProcess(tmp_path, flush_every=100_000, flush_seconds=3600)
    try:
        bot.send(*(f"message number {i}" for i in range(300)), "/plan show")
        bot.wait_for("No reading plan is set")
        assert message_total(bot.db_file) == 0  # all of them are still in the buffer
        code = bot.stop(sig)
    finally:
        if bot.proc.poll() is None:
            bot.proc.kill()
    assert code == 0, bot.proc.stderr.read() if bot.proc.stderr else ""
    assert message_total(bot.db_file) == 300
    assert rows(bot.db_file, "SELECT CAST(SUM(commands) AS INTEGER) FROM activity_daily") == [(1,)]


def test_a_crash_keeps_the_database_intact_and_loses_only_unwritten_events(
    tmp_path: Path,
) -> None:
    bot = BotProcess(tmp_path, flush_every=50, flush_seconds=3600)
    try:
        bot.send(*(f"message {i}" for i in range(500)), "/plan show")
        bot.wait_for("No reading plan is set")
        # 501 events were taken; a batch is written whenever 50 are waiting, so at most 49
        # can still be in the buffer (the interval is an hour). Wait for the writes.
        deadline = time.monotonic() + WAIT
        while message_total(bot.db_file) < 451 and time.monotonic() < deadline:
            time.sleep(0.05)
        written = message_total(bot.db_file)
        assert written >= 451
        bot.send(*(f"more {i}" for i in range(3000)))  # kill it while it writes
        bot.stop(signal.SIGKILL)
    finally:
        if bot.proc.poll() is None:
            bot.proc.kill()
    if not POSTGRES:  # PostgreSQL recovers from its WAL by itself; SQLite's file is checked
        assert rows(bot.db_file, "PRAGMA integrity_check") == [("ok",)]
    (kept,) = rows(bot.db_file, "SELECT CAST(SUM(messages) AS INTEGER) FROM activity_daily")[0]
    assert written <= int(kept) <= 3500  # type: ignore[call-overload]
