"""The console's chapter threads and polls: a thread is a heading in the one channel the
console stands for, a poll a numbered list members answer with `vote N`."""

from __future__ import annotations

import uuid
from typing import Protocol

from bot.adapters.render_text import render_reply
from bot.core.refs import Place
from bot.core.replies import Reply
from bot.core.threads import OpenedThread, PollSpec, ThreadSpec


class Writer(Protocol):
    async def write(self, text: str) -> None: ...


def poll_text(poll: PollSpec) -> str:
    lines = [f"Poll: {poll.question}"]
    lines.extend(f"  {i}. {option}" for i, option in enumerate(poll.options, 1))
    lines.append(
        f"(vote with /vote <number>; it ends in {poll.hours} hour{'s' if poll.hours != 1 else ''})"
    )
    return "\n".join(lines)


class ConsoleThreads:
    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    async def open_thread(self, place: Place, spec: ThreadSpec) -> OpenedThread:
        rule = "=" * max(8, len(spec.title) + 8)
        parts = [f"{rule}\n=== {spec.title} ===\n{rule}", render_reply(spec.opening)]
        poll_id = None
        if spec.poll is not None:
            poll_id = f"console-poll-{uuid.uuid4().hex}"
            parts.append(poll_text(spec.poll))
        await self.writer.write("\n\n".join(parts))
        return OpenedThread(place.channel, f"#{place.channel_id} under '{spec.title}'", poll_id)

    async def close_thread(self, thread: Place) -> bool:
        await self.writer.write(f"=== discussion closed in #{thread.channel_id} ===")
        return False

    async def post_poll(self, place: Place, poll: PollSpec) -> str:
        await self.writer.write(poll_text(poll))
        return f"console-poll-{uuid.uuid4().hex}"

    async def end_poll(self, place: Place, poll_id: str, results: Reply) -> None:
        await self.writer.write(render_reply(results))
