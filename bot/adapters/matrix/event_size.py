"""The Matrix event size limit: a whole event (its JSON with the envelope the homeserver
adds) may not pass 65,536 bytes, and an encrypted event carries its content as base64
ciphertext, a third larger. A notice whose content would not fit is cut at line breaks
into several notices that each fit (the text is quoted and escaped once, as before); a
reply that would need more than a few notices goes as a text file instead."""

from __future__ import annotations

import html
import json
from typing import Any

EVENT_LIMIT = 65_536
# The content's budget: after base64 (x 4/3) and the event's envelope (sender, room,
# signatures, hashes, the ciphertext's keys) an event of this content stays under the limit.
CONTENT_LIMIT = 40_000
# More notices than this for one reply and it goes as a file instead.
MAX_PIECES = 5


def size(content: dict[str, Any]) -> int:
    """The content's size in bytes, counted the larger way (non-ASCII escaped)."""
    return len(json.dumps(content, ensure_ascii=True).encode("ascii"))


def fits(content: dict[str, Any]) -> bool:
    return size(content) <= CONTENT_LIMIT


def _piece_content(template: dict[str, Any], text: str) -> dict[str, Any]:
    content = {k: v for k, v in template.items() if k not in ("body", "formatted_body")}
    content["body"] = text
    if "format" in template:
        content["formatted_body"] = html.escape(text).replace("\n", "<br>")
    return content


def _halves(text: str) -> tuple[str, str, str]:
    """(first, cut, second): cut at the line break nearest the middle (dropped, and
    returned as the cut), or in the middle of a line without one (the cut is empty)."""
    middle = len(text) // 2
    before = text.rfind("\n", 0, middle + 1)
    after = text.find("\n", middle)
    cuts = [c for c in (before, after) if 0 < c < len(text) - 1]
    if cuts:
        at = min(cuts, key=lambda c: abs(c - middle))
        return text[:at], "\n", text[at + 1 :]
    return text[:middle], "", text[middle:]


def split_notice(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The notice as it is when it fits, else notices cut from its plain body that each
    fit; every piece keeps the relation (reply, thread) and the empty mentions."""
    if fits(content):
        return [content]
    # (text, what joined it to the text before: a line break or nothing)
    parts: list[tuple[str, str]] = []

    def cut(text: str, joint: str) -> None:
        if len(text) <= 1 or fits(_piece_content(content, text)):
            parts.append((text, joint))
            return
        first, middle, second = _halves(text)
        cut(first, joint)
        cut(second, middle)

    cut(str(content.get("body", "")), "")
    merged: list[str] = []
    for text, joint in parts:
        if merged and fits(_piece_content(content, merged[-1] + joint + text)):
            merged[-1] = merged[-1] + joint + text
        else:
            merged.append(text)
    return [_piece_content(content, text) for text in merged]
