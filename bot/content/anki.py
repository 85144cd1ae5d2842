"""Quiz items as an Anki deck (.apkg): one note an item, with its question (and lettered
choices), its answer, its explanation and the passage it cites. genanki builds the
collection; it is written in a temporary folder that is removed afterwards, and the
package is returned as bytes."""

from __future__ import annotations

import html
import io
import itertools
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import genanki

from bot.content.judging import provenance, shown_answer
from bot.content.model import QuizItem
from bot.core.replies import LETTERS

# Fixed ids: a deck imported twice updates its notes instead of doubling them.
MODEL_ID = 1_734_917_101
DECK_ID = 1_734_917_102
FIELDS = ("Question", "Answer", "Explanation", "Passage")

_MODEL = genanki.Model(
    MODEL_ID,
    "Kruzhok review item",
    fields=[{"name": name} for name in FIELDS],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Question}}",
            "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}<br><br>{{Explanation}}"
            "<br><br><i>{{Passage}}</i>",
        }
    ],
)


@dataclass(frozen=True)
class DeckItem:
    """An item of the deck and what tells it apart from the others of the library."""

    book_id: str
    chapter: int | None
    item: QuizItem


def question_text(item: QuizItem) -> str:
    """The question with its lettered choices, one a line."""
    options = "".join(f"\n{LETTERS[i]}) {option}" for i, option in enumerate(item.options))
    return item.question + options


def _field(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _note(entry: DeckItem) -> genanki.Note:
    item = entry.item
    tags = [entry.book_id] + ([f"chapter-{entry.chapter}"] if entry.chapter is not None else [])
    return genanki.Note(
        model=_MODEL,
        fields=[
            _field(question_text(item)),
            _field(shown_answer(item)),
            _field(item.explanation),
            _field(provenance(item)),
        ],
        tags=tags,
        guid=genanki.guid_for(entry.book_id, item.id),
    )


def anki_package(name: str, entries: Sequence[DeckItem], now: datetime) -> bytes:
    """The .apkg file of a deck named `name` holding the entries."""
    deck = genanki.Deck(DECK_ID, name)
    for entry in entries:
        deck.add_note(_note(entry))
    timestamp = now.timestamp()
    out = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="kruzhok-anki-") as folder:
        path = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(path)
        try:
            ids = itertools.count(int(timestamp * 1000))
            genanki.Package(deck).write_to_db(connection.cursor(), timestamp, ids)
            connection.commit()
        finally:
            connection.close()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            package.write(path, "collection.anki2")
            package.writestr("media", "{}")
    return out.getvalue()
