"""A terminal chat standing for one channel of one group: the default adapter.

Lines starting with / or ! are commands; other lines are ordinary messages in the channel
(recorded as activity, never stored as text). When standard input is not a terminal, it
reads one line at a time, so it can be scripted. Charts and files are saved under the
configured output folder and their path is printed. At a terminal, a post that arrives
while the prompt waits (a daily quote, a quiz timer's reveal) is written over the prompt
line, and the prompt is drawn again below it with what had been typed so far.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from bot.adapters.console_threads import ConsoleThreads
from bot.adapters.render_text import render_reply
from bot.config import ConsoleConfig
from bot.core.engine import Engine
from bot.core.refs import Caller, Place
from bot.core.replies import Attachment, Reply

PLATFORM = "console"
# Back to the start of the line and erase it (a VT100 sequence every terminal knows).
CLEAR_LINE = "\r\x1b[K"


def nothing_typed() -> str:
    return ""


class Prompt:
    """The input prompt at a terminal: whether it is showing, and what has been typed
    after it (readline knows), so a post written over it can put both back."""

    def __init__(self, text: str, typed: Callable[[], str] = nothing_typed) -> None:
        self.text = text
        self.typed = typed
        self.showing = False  # set by the input thread while it waits at the prompt

    def around(self, post: str) -> str:
        """What to write for a post: the post as it is, or, while the prompt shows, the
        post over the cleared prompt line, then the prompt again with what was typed."""
        if not self.showing:
            return post + "\n\n"
        return f"{CLEAR_LINE}{post}\n\n{self.text}{self.typed()}"


class ConsoleAdapter:
    platform = PLATFORM

    def __init__(
        self,
        engine: Engine,
        config: ConsoleConfig,
        user: str | None = None,
        moderator: bool = False,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        line_marker: str | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.user = user or config.user
        self.moderator = moderator
        self.stdin = stdin if stdin is not None else sys.stdin
        self.stdout = stdout if stdout is not None else sys.stdout
        self.place = Place(PLATFORM, config.group, config.channel)
        self.output_dir = Path(config.output_dir)
        # Written on its own line once each input line is handled (tests driving a process).
        self.line_marker = line_marker
        self._write_lock = asyncio.Lock()
        # The prompt at a terminal (run() sets it); None when input is piped.
        self.prompt: Prompt | None = None
        engine.outbox.register(PLATFORM, self)
        engine.threads.register(PLATFORM, ConsoleThreads(self))

    def caller(self, user: str | None = None, moderator: bool | None = None) -> Caller:
        name = user or self.user
        return Caller(
            user_id=name,
            display_name=name,
            platform_moderator=self.moderator if moderator is None else moderator,
        )

    async def handle(
        self, line: str, user: str | None = None, moderator: bool | None = None
    ) -> str:
        """One line typed by a member; returns what the console shows back ('' if nothing)."""
        replies = await self.engine.on_message(self.caller(user, moderator), self.place, line)
        if not replies:
            return ""
        return self.render(replies)

    def render(self, replies: Sequence[Reply]) -> str:
        parts = []
        for reply in replies:
            text = render_reply(reply)
            for attachment in (reply.image, reply.file):
                if attachment is not None:
                    what = "chart" if attachment is reply.image else "file"
                    try:
                        text += f"\n[{what} saved to {self.save(attachment)}]"
                    except OSError as exc:
                        text += (
                            f"\n[the {what} could not be saved in {self.output_dir}: "
                            f"{exc.strerror or exc}; check console.output_dir]"
                        )
            parts.append(text)
        return "\n\n".join(parts)

    def save(self, attachment: Attachment) -> Path:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", attachment.filename) or "attachment"
        path = self.output_dir / safe
        stem, suffix, n = path.stem, path.suffix, 1
        while path.exists():
            n += 1
            path = self.output_dir / f"{stem}-{n}{suffix}"
        path.write_bytes(attachment.data)
        return path

    async def post(self, place: Place, replies: Sequence[Reply]) -> None:
        """Unprompted posts (daily quotes, timed quiz reveals) appear in the chat; at a
        terminal the prompt is drawn again after them."""
        text = self.render(replies)
        if not text:
            return
        async with self._write_lock:
            self.stdout.write(self.prompt.around(text) if self.prompt else text + "\n\n")
            self.stdout.flush()

    async def post_private(self, place: Place, user_id: str, replies: Sequence[Reply]) -> None:
        """A private note to a member (a review reminder), marked as such in the chat."""
        await self.write(f"[privately to {user_id}]\n{self.render(replies)}")

    async def write(self, text: str) -> None:
        if not text:
            return
        async with self._write_lock:
            self.stdout.write(text + "\n\n")
            self.stdout.flush()

    async def write_line(self, text: str) -> None:
        async with self._write_lock:
            self.stdout.write(text + "\n")
            self.stdout.flush()

    async def run(self) -> None:
        """Read lines until end of input (Ctrl-D) or /quit."""
        interactive = self.stdin.isatty() and self.stdout.isatty()
        if interactive:
            self.prompt = Prompt(f"{self.user}> ")
            with contextlib.suppress(ImportError):
                import readline  # line editing and history for input()

                self.prompt.typed = readline.get_line_buffer
            await self.write(
                f"Kruzhok console: you are {self.user}"
                f"{' (moderator)' if self.moderator else ''} in #{self.place.channel_id}. "
                "Type /help for the commands, /quit or Ctrl-D to leave."
            )
        answered = threading.Event()  # the prompt waits until the reply is shown
        lines = _line_reader(self.stdin, self.prompt, answered)
        while True:
            line = await lines.get()
            if line is None:
                return
            try:
                line = line.strip()
                if line.lower() in ("/quit", "/exit", "!quit", "!exit"):
                    return
                if line:
                    await self.write(await self.handle(line))
                if self.line_marker is not None:
                    await self.write_line(self.line_marker)
            finally:
                answered.set()


def _line_reader(
    stream: TextIO, prompt: Prompt | None, answered: threading.Event
) -> asyncio.Queue[str | None]:
    """Read lines in a daemon thread (a blocked read must not hold up shutdown).

    At a terminal (a prompt is given) the next prompt waits until the previous line has
    been answered, and the prompt says while it shows.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def reader() -> None:
        try:
            while True:
                if prompt is not None:
                    prompt.showing = True
                    try:
                        line = input(prompt.text)
                    except EOFError:
                        break
                    finally:
                        prompt.showing = False
                    answered.clear()
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                    answered.wait()
                    continue
                else:
                    line = stream.readline()
                    if not line:
                        break
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError, RuntimeError):
            pass
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=reader, name="console-input", daemon=True).start()
    return queue
