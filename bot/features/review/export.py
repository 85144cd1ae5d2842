"""`review export`: the member's items as an Anki deck (.apkg) and as CSV (UTF-8 with a
byte-order mark, so spreadsheets read it as UTF-8)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from bot.content.anki import DeckItem, anki_package, question_text
from bot.content.judging import provenance, shown_answer
from bot.core.replies import Attachment, Reply
from bot.features.review.model import ReviewItem
from bot.features.review.replies import plural

CSV_COLUMNS = (
    "book",
    "chapter",
    "item",
    "question",
    "answer",
    "explanation",
    "passage",
    "due",
    "reviews",
    "lapses",
)


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ would run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def review_csv(items: Sequence[ReviewItem]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in items:
        item = entry.item
        writer.writerow(
            (
                csv_cell(entry.book_id),
                "" if entry.chapter is None else str(entry.chapter),
                csv_cell(item.id),
                csv_cell(question_text(item)),
                csv_cell(shown_answer(item)),
                csv_cell(item.explanation),
                csv_cell(provenance(item)),
                entry.due.isoformat(),
                str(entry.reviews),
                str(entry.lapses),
            )
        )
    return out.getvalue().encode("utf-8-sig")


def export_replies(items: Sequence[ReviewItem], now: datetime) -> list[Reply]:
    """Two private files: the Anki deck, then the CSV."""
    day = now.date().isoformat()
    entries = [DeckItem(i.book_id, i.chapter, i.item) for i in items]
    deck = anki_package("Kruzhok review", entries, now)
    return [
        Reply(
            text=f"Your review items ({plural(len(items), 'item')}) as an Anki deck: import "
            "it in Anki (File > Import).",
            file=Attachment(f"review-{day}.apkg", deck, "application/apkg"),
            private=True,
        ),
        Reply(
            text="The same items as a spreadsheet (CSV).",
            file=Attachment(f"review-{day}.csv", review_csv(items), "text/csv"),
            private=True,
        ),
    ]
