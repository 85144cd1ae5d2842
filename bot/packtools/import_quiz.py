"""`import-quiz`: quiz items from a spreadsheet (CSV) added to a chapter.

The first row names the columns; the order is free and case does not matter:

    id           optional; made from the question when empty
    kind         choice, truefalse or text; when empty: choice if there are choices, else text
    question     required
    answer       required: a choice's text, true/false, or the expected text
    choices      for choice items: the choices separated by |
    accept       for text items: other accepted answers separated by |
    explanation  required
    citation     the passage of the chapter's source text that supports the answer
    source       where an item not taken from the text comes from

Commas, semicolons or tabs separate the cells. Each row is checked with the models and
messages of `validate`, then the whole book again with the items added; on any problem
nothing is written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.content.library import load_checked
from bot.content.model import QuizItem
from bot.content.trivia_import import (
    ImportResult,
    _chapter_file,
    _write_checked,
    book_folder,
    chapter_text,
    slug,
    unique_id,
    would_have,
)
from bot.packtools.files import fail
from bot.yamlfiles.document import (
    Problem,
    ProblemsError,
    parse_yaml,
    problems_from_validation,
    read_text,
)

COLUMNS = (
    "id", "kind", "question", "answer", "choices", "accept", "explanation", "citation", "source",
)  # fmt: skip
LISTS = ("choices", "accept")
REQUIRED = ("question", "answer", "explanation")
_BOOL = {"true": True, "yes": True, "false": False, "no": False}


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line, row) for each row with any text; ProblemsError for a file that is not a CSV
    with the documented columns."""
    name = str(path)
    text = read_text(path, name, "CSV text")
    if not text.strip():
        raise fail(
            name, "the file is empty; the first row names the columns: " + ", ".join(COLUMNS)
        )
    first = text.lstrip().splitlines()[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise fail(name, f"not a readable CSV file ({exc})") from None
    header = [h.strip().lower() for h in rows[0]]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        said = []
        if unknown:
            said.append(f"unknown column(s) {', '.join(repr(h) for h in unknown)}")
        if missing:
            said.append(f"missing column(s) {', '.join(missing)}")
        raise ProblemsError(
            [Problem(name, 1, "", "; ".join(said) + f"; the columns are: {', '.join(COLUMNS)}")]
        )
    out = []
    for n, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ProblemsError(
                [Problem(name, n, "", f"{len(row)} cells but {len(header)} columns")]
            )
        out.append((n, {h: cell.strip() for h, cell in zip(header, row, strict=False)}))
    if not out:
        raise fail(name, "no rows after the header row")
    return out


def item_data(row: dict[str, str]) -> dict[str, Any]:
    """A row as a quiz item's fields (empty cells left out)."""
    data: dict[str, Any] = {k: v for k, v in row.items() if v and k not in LISTS}
    for key in LISTS:
        if row.get(key):
            data[key] = [part.strip() for part in row[key].split("|") if part.strip()]
    if "kind" not in data:
        data["kind"] = "choice" if data.get("choices") else "text"
    if data["kind"] == "truefalse" and isinstance(data.get("answer"), str):
        data["answer"] = _BOOL.get(data["answer"].casefold(), data["answer"])
    return data


def read_items(path: Path, taken: set[str]) -> list[QuizItem]:
    problems: list[Problem] = []
    items: list[QuizItem] = []
    name = str(path)
    for line, row in read_rows(path):
        data = item_data(row)
        data["id"] = data.get("id") or unique_id(slug(data.get("question", "question")), taken)
        try:
            items.append(QuizItem.model_validate(data))
        except ValidationError as exc:
            doc = parse_yaml("{}", name)
            for p in problems_from_validation(exc, doc, model=QuizItem):
                column = p.where.split(".")[0].split("[")[0]
                problems.append(Problem(name, line, f"column {column}", p.message))
    if problems:
        raise ProblemsError(problems)
    return items


def import_quiz(path: Path, root: Path, book_id: str, chapter: int) -> ImportResult:
    """Add the file's items to the chapter; raise ProblemsError (writing nothing) on any
    problem, including a citation not found in the chapter's source text."""
    folder = book_folder(root, book_id)
    book = load_checked(root).book(book_id)
    if book.chapter(chapter) is None:
        raise fail(
            str(folder),
            f"there is no chapter {chapter} (chapters: {book.chapter_list()})",
            "--chapter",
        )
    book_ids = {i.id for c in book.chapters for i in c.quiz}
    items = read_items(path, set(book_ids))
    target = _chapter_file(folder, chapter)
    text, added, skipped = chapter_text(target, items, book_ids)
    try:
        _write_checked(root, target, text)
    except ProblemsError as exc:
        raise would_have(f"chapter {chapter}", target, exc.problems) from None
    return ImportResult(target, added, 0, skipped)
