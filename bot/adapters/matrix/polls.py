"""Chapter threads and MSC3381 polls on Matrix.

- A chapter's thread: its card (the opening, an m.notice) is the thread root; the poll
  goes into that thread.
- A poll start is sent as `org.matrix.msc3381.poll.start`, the type Element sends and
  renders (its reader takes `m.poll.start` too), and carries both contents: the unstable
  one (`org.matrix.msc3381.poll.start` with `org.matrix.msc1767.text`, kinds
  `org.matrix.msc3381.poll.disclosed/undisclosed`, answers with `id`) and the stable one
  (`m.poll` with `m.text` blocks, kinds `m.disclosed/m.undisclosed`, answers with `m.id`).
  Answer ids are "1", "2"... in order.
- Responses: `m.poll.response` (`m.selections`) or `org.matrix.msc3381.poll.response`
  (`answers`), referencing the start; a member's latest response is their vote (MSC3381),
  so each one replaces what they chose before. An unknown answer id spoils the vote (an
  empty choice).
- A poll ends with `org.matrix.msc3381.poll.end` (with `m.text` and `m.poll.results`
  too); Matrix threads cannot be locked, so closing a chapter says so in its thread.
"""

from __future__ import annotations

from bot.adapters.matrix.links import RoomLines
from bot.adapters.matrix.poll_events import (
    POLL_END,
    POLL_START,
    poll_end_content,
    poll_start_content,
)
from bot.adapters.matrix.render import Target, notice_content, render_plain
from bot.adapters.matrix.send import MatrixSender
from bot.core.outbox import PostError
from bot.core.refs import Place
from bot.core.replies import Reply
from bot.core.threads import OpenedThread, PollSpec, ThreadSpec

PLATFORM = "matrix"


class MatrixThreads:
    def __init__(self, sender: MatrixSender, lines: RoomLines) -> None:
        self.sender = sender
        self.lines = lines

    async def _room(self, place: Place) -> tuple[str, str | None]:
        """The room to send to (an upgraded room's successor) and the thread there (a
        thread of the old room stays behind)."""
        room_id = await self.lines.current(place.channel_id)
        return room_id, place.thread_id if room_id == place.channel_id else None

    async def open_thread(self, place: Place, spec: ThreadSpec) -> OpenedThread:
        room, _ = await self._room(place)
        card = notice_content(spec.opening)
        if card is None:
            raise PostError("the chapter's card is empty")
        root = await self.sender.send(room, "m.room.message", card)
        # The thread's place keeps the group's key; its messages come keyed so too.
        thread = Place(PLATFORM, place.group_id, place.channel_id, root)
        poll_id = None
        if spec.poll is not None:
            poll_id = await self.post_poll(thread, spec.poll)
        return OpenedThread(thread, f"https://matrix.to/#/{room}/{root}", poll_id)

    async def close_thread(self, thread: Place) -> bool:
        room, thread_id = await self._room(thread)
        note = Reply(text="This discussion is closed.")
        content = notice_content(note, Target(thread_id))
        if content is not None:
            await self.sender.send(room, "m.room.message", content)
        return False

    async def post_poll(self, place: Place, poll: PollSpec) -> str:
        room, thread_id = await self._room(place)
        content = poll_start_content(
            poll.question,
            poll.options,
            undisclosed=poll.undisclosed,
            max_selections=len(poll.options) if poll.multiselect else 1,
            target=Target(thread_id),
        )
        return await self.sender.send(room, POLL_START, content)

    async def end_poll(self, place: Place, poll_id: str, results: Reply) -> None:
        room, thread_id = await self._room(place)
        await self.sender.send(room, POLL_END, poll_end_content(poll_id, render_plain(results), {}))
        await self.sender.send_replies(room, [results], Target(thread_id))
