"""Drive real `python -m bot run` console processes from a test, pexpect-style.

    async with console_process(config, "mod", moderator=True) as mod:
        shown = await mod.say("/quiz start 1")   # what the console showed for that line
        await mod.wait_for("the answer")          # a post nobody asked for (a timer's)

The process runs with `--line-marker`: after each input line is handled it prints the
marker on a line of its own, so `say` knows where a line's output ends. Everything the
process prints is kept in `output`; `wait_for` searches it from where the last `say` or
`wait_for` stopped. Timeouts only guard against a hung process: nothing here waits for
time to pass. A file clock (`write_clock`, KRUZHOK_CLOCK_FILE) moves a process's time.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from bot.core.clock import CLOCK_FILE_ENV

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<<kruzhok: line handled>>"
GUARD = 60.0  # seconds: only a hung process takes this long


class ConsoleProcess:
    def __init__(self, proc: asyncio.subprocess.Process, name: str) -> None:
        self.proc = proc
        self.name = name
        self.output = ""  # everything shown, markers left out
        self.stderr = ""
        self._answers: list[str] = []  # the output of each handled line, in order
        self._current = ""
        self._sent = 0
        self._cursor = 0  # where `wait_for` searches from
        self._changed = asyncio.Condition()
        self._readers = [
            asyncio.create_task(self._read_stdout()),
            asyncio.create_task(self._read_stderr()),
        ]

    async def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace")
            async with self._changed:
                if line.rstrip("\n") == MARKER:
                    self._answers.append(self._current)
                    self._current = ""
                else:
                    self._current += line
                    self.output += line
                self._changed.notify_all()
        async with self._changed:
            self._changed.notify_all()

    async def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        async for raw in self.proc.stderr:
            async with self._changed:
                self.stderr += raw.decode("utf-8", "replace")
                self._changed.notify_all()

    def _describe(self, what: str) -> str:
        return f"{self.name}: {what}\n--- output ---\n{self.output}\n--- stderr ---\n{self.stderr}"

    async def _until(self, ready: Callable[[], bool], what: str) -> None:
        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: ready() or self._stdout_done())

        try:
            await asyncio.wait_for(wait(), GUARD)
        except TimeoutError:
            raise AssertionError(self._describe(f"timed out waiting for {what}")) from None
        if not ready():
            raise AssertionError(self._describe(f"the process ended before {what}"))

    def _stdout_done(self) -> bool:
        return self._readers[0].done()

    async def say(self, line: str) -> str:
        """Type a line; return what the console showed for it (stripped)."""
        assert self.proc.stdin is not None
        index = self._sent
        self._sent += 1
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()
        await self._until(lambda: len(self._answers) > index, f"the answer to {line!r}")
        self._cursor = len(self.output)
        return self._answers[index].strip()

    async def wait_for(self, text: str) -> str:
        """Wait until `text` is shown (after the previous say/wait_for); return what was
        shown from there up to and including it."""
        start = self._cursor
        await self._until(lambda: text in self.output[start:], repr(text))
        end = self.output.index(text, start) + len(text)
        self._cursor = end
        return self.output[start:end]

    async def wait_for_log(self, text: str) -> None:
        """Wait until the process logs `text` (on standard error)."""
        await self._until(lambda: text in self.stderr, f"{text!r} in the log")

    async def quit(self) -> int:
        """`/quit`, then wait for the process to end; its exit code."""
        if self.proc.returncode is None and self.proc.stdin is not None:
            self.proc.stdin.write(b"/quit\n")
            await self.proc.stdin.drain()
            self.proc.stdin.close()
        try:
            code = await asyncio.wait_for(self.proc.wait(), GUARD)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise AssertionError(self._describe("did not stop after /quit")) from None
        await asyncio.gather(*self._readers)
        return code

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)


async def start_console(
    config: Path,
    user: str,
    moderator: bool = False,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> ConsoleProcess:
    command = [sys.executable, "-m", "bot", "run", "--config", str(config), "--user", user]
    command += ["--line-marker", MARKER, *(["--moderator"] if moderator else []), *args]
    proc = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    return ConsoleProcess(proc, user)


@asynccontextmanager
async def console_process(
    config: Path,
    user: str,
    moderator: bool = False,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> AsyncIterator[ConsoleProcess]:
    """A console process that quits cleanly at the end (exit code 0 checked), or is killed
    when the test failed."""
    process = await start_console(config, user, moderator, env, args)
    try:
        yield process
    except BaseException:
        await process.kill()
        raise
    code = await process.quit()
    assert code == 0, process._describe(f"exit code {code}")


def write_clock(path: Path, when: datetime) -> None:
    """Set the time of the processes whose KRUZHOK_CLOCK_FILE is `path` (atomically: a
    process never reads half a timestamp)."""
    partial = path.with_name(path.name + ".new")
    partial.write_text(when.isoformat(), encoding="utf-8")
    partial.replace(path)


def clock_env(path: Path) -> dict[str, str]:
    return {CLOCK_FILE_ENV: str(path)}
