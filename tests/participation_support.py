"""Helpers for the participation tests: a small multi-chapter book, PNG size, row counts."""

from __future__ import annotations

import struct
from pathlib import Path

from bot.features.participation.recorder import Recorder
from tests.databases import rows
from tests.harness import ConsoleBot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; fails on anything that is not a PNG."""
    assert data[:8] == PNG_MAGIC, "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def saved_path(shown: str, kind: str = "chart") -> Path:
    marker = f"[{kind} saved to "
    start = shown.index(marker) + len(marker)
    return Path(shown[start : shown.index("]", start)])


def recorder_of(bot: ConsoleBot) -> Recorder:
    return next(s for s in bot.app.engine.sinks if isinstance(s, Recorder))


def db_rows(db_file: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Rows of the test's database (SQLite, or PostgreSQL when the run uses it)."""
    return rows(db_file, sql, params)


def message_total(db_file: Path) -> int:
    rows = db_rows(db_file, "SELECT COALESCE(SUM(messages), 0) FROM activity_daily")
    return int(rows[0][0])  # type: ignore[call-overload]


def write_book(root: Path, chapters: tuple[int, ...] = (1, 2, 3)) -> Path:
    """A content folder with one small book of several chapters."""
    book = root / "content" / "testbook"
    (book / "chapters").mkdir(parents=True)
    (book / "book.yaml").write_text(
        "id: testbook\ntitle: A test book\nauthor: Nobody\nlanguage: en\nsource: made up\n"
    )
    for n in chapters:
        (book / "chapters" / f"{n}.yaml").write_text(
            f"number: {n}\ntitle: Chapter {n} title\nsummary: About chapter {n}.\n"
            f"key_points:\n  - Point of chapter {n}.\ndiscussion:\n  - Discuss chapter {n}.\n"
        )
    return root / "content"
