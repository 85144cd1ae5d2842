"""The Matrix adapter's pure parts and its kept room links: notices cut to fit the event
size limit, image sizes read from file headers, upgraded rooms linked on both databases."""

from __future__ import annotations

import struct
import zlib

from bot.adapter_state.matrix import SqlMatrixState
from bot.adapters.matrix.event_size import CONTENT_LIMIT, EVENT_LIMIT, size, split_notice
from bot.adapters.matrix.media import image_size
from bot.adapters.matrix.render import Target, notice_content
from bot.core.replies import Reply
from bot.storage.db import connect


def _notice(text: str) -> dict[str, object]:
    content = notice_content(Reply(text=text), Target("$root", "$cmd"))
    assert content is not None
    return content


def test_a_notice_that_fits_is_sent_as_it_is() -> None:
    content = _notice("short")
    assert split_notice(content) == [content]


def test_a_long_line_without_breaks_is_cut_inside_and_nothing_is_lost() -> None:
    """One line of 200,000 Cyrillic letters (the heaviest when escaped) is cut into
    pieces under the budget that, put back together, give the text; each keeps the
    thread relation and the empty mentions."""
    text = "ж" * 200_000
    pieces = split_notice(_notice(text))
    assert len(pieces) > 1
    assert "".join(str(p["body"]) for p in pieces) == text
    assert all(size(p) <= CONTENT_LIMIT < EVENT_LIMIT for p in pieces)
    assert all(p["m.relates_to"] == _notice("x")["m.relates_to"] for p in pieces)
    assert all(p["m.mentions"] == {} for p in pieces)


def test_lines_are_cut_at_line_breaks_and_html_is_escaped_once() -> None:
    lines = [f"{i} <i>&</i> a line" for i in range(5000)]
    pieces = split_notice(_notice("\n".join(lines)))
    assert "\n".join(str(p["body"]) for p in pieces) == "\n".join(lines)
    assert all(str(p["body"]).split("\n")[0] in lines for p in pieces)  # whole lines
    html = str(pieces[0]["formatted_body"])
    assert html.startswith("0 &lt;i&gt;&amp;&lt;/i&gt; a line<br>1 ")


def _png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


def test_image_sizes_come_from_png_gif_and_jpeg_headers() -> None:
    assert image_size(_png(640, 480)) == (640, 480)
    assert image_size(b"GIF89a" + struct.pack("<HH", 32, 16) + b"\x00") == (32, 16)
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof = b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 300, 400) + b"\x00" * 10
    assert image_size(b"\xff\xd8" + app0 + sof) == (400, 300)
    assert image_size(b"\x89PNG\r\n\x1a\nfake") is None
    assert image_size(b"not an image") is None


async def test_an_upgraded_rooms_line_keeps_its_first_room_as_key(any_database: str) -> None:
    """A -> B -> C: B and C lead back to A (the group's key), A leads on to C (where posts
    go); another bot account on the same database keeps its own links."""
    db = await connect(any_database)
    try:
        state = SqlMatrixState(db, "@kruzhok:example.org")
        assert await state.room_origin("!a") is None and await state.room_current("!a") is None
        assert await state.link_rooms("!a", "!b") == "!a"
        assert await state.link_rooms("!b", "!c") == "!a"
        assert await state.room_origin("!c") == "!a" and await state.room_origin("!b") == "!a"
        assert await state.room_current("!a") == "!c"
        other = SqlMatrixState(db, "@other:example.org")
        assert await other.room_origin("!c") is None
    finally:
        await db.close()
