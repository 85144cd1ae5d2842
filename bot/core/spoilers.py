"""The spoiler shield, neutral part: a group's mode, the reading line a reply must not go
past, and how features ask for it. The spoilers feature answers; features that show
content ask through `LineOf`, which the composition root wires."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import Enum

from bot.core.refs import MemberRef, Place
from bot.core.replies import DIRECT, Hidden, Reply


class SpoilerMode(Enum):
    OFF = "off"
    PLAN = "plan"
    MEMBER = "member"

    @property
    def meaning(self) -> str:
        return MEANINGS[self]


MEANINGS = {
    SpoilerMode.OFF: "every chapter is shown in the channel",
    SpoilerMode.PLAN: "nothing past the reading plan's current chapter is shown in the channel",
    SpoilerMode.MEMBER: (
        "nothing past the asking member's own position is shown in the channel (their last "
        "check-in, or the plan's chapter when they have none)"
    ),
}


@dataclass(frozen=True)
class Line:
    """The last chapter shown openly (`limit`), and whose line it is (`source`: "the
    plan's chapter", "your check-in"); no limit shows everything."""

    limit: int | None = None
    source: str = ""

    def allows(self, chapter: int) -> bool:
        return self.limit is None or chapter <= self.limit

    def describe(self) -> str:
        """'the spoiler line (your check-in: chapter 1)'."""
        if self.limit is None:
            return "no spoiler line"
        return f"the spoiler line ({self.source}: chapter {self.limit})"

    def hide(self, chapter: int, text: str, reveal: str) -> Hidden:
        """`text` of a chapter past the line, hidden; `reveal` is the command that shows it
        privately."""
        return Hidden(
            text=text,
            note=f"chapter {chapter} is past {self.describe()}; {reveal} shows it to you privately",
        )


NO_LINE = Line()

# The line for a member at a place (`None`: for the whole channel, e.g. a daily quote or a
# group quiz, where the plan's chapter is the line).
LineOf = Callable[[Place, MemberRef | None], Awaitable[Line]]


async def no_line(place: Place, member: MemberRef | None) -> Line:
    return NO_LINE


def shield(reply: Reply, chapter: int, line: Line, reveal: str, spoil: bool, title: str) -> Reply:
    """A reply showing `chapter`, as the line allows: as it is within the line; privately
    (never to the channel) when the member asked with `spoil`; else under a neutral
    `title` with all its words hidden behind spoiler markup and a note saying how to see
    it (`reveal`, the command with `spoil`)."""
    if spoil:
        return replace(reply, private=True, tags=reply.tags | {DIRECT})
    if line.allows(chapter):
        return reply
    parts = [reply.title, reply.text, *(f"{f.name}: {f.value}" for f in reply.fields)]
    parts.append(reply.footer)
    text = "\n".join(p for p in parts if p)
    return Reply(title=title, hidden=line.hide(chapter, text, reveal), tags=reply.tags)
