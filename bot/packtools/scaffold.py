"""`pack new`: a book folder that validates, with one commented example chapter.

DIR/book.yaml                 the book's metadata
DIR/chapters/example.yaml     an example chapter (number 0): every field, with comments
DIR/texts/example.txt         the example chapter's source text
DIR/schema/*.schema.json      the JSON Schemas the YAML files name on their first line
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from bot.content.model import BookMeta
from bot.packtools.files import fail, write_new
from bot.packtools.schema import editor_line, schema_texts
from bot.yamlfiles.document import Problem, ProblemsError, parse_yaml, problems_from_validation

EXAMPLE_TEXT = """\
The meeting opened at seven. Anna Petrova read the first chapter aloud, and the circle
argued about it until ten.

"A book read together is a book read twice", wrote Petrova,

We met each week in the same back room. Nobody was allowed to leave before everyone
had spoken.

Notes of a Reading Circle
"""

EXAMPLE_CHAPTER = """\
# An example chapter: delete it (and texts/example.txt) once your own chapters validate.
# Every quote and quiz citation is checked word for word against source_text.
number: 0  # the example is chapter 0, so your own chapters can start at 1
title: "An example chapter"
source_text: texts/example.txt  # the chapter's text, inside this book folder

summary: >-
  A reading circle meets, reads its first chapter aloud and argues about it.

key_points:  # one or more, in the order of the chapter
  - "The circle reads the first chapter aloud and argues about it until ten."

quotes:  # passages the text quotes, word for word, credited to the work it names
  - id: petrova-read-twice  # lowercase letters, digits and hyphens; unique in the book
    text: "A book read together is a book read twice"
    source: {author: Anna Petrova, work: Notes of a Reading Circle}

quiz:  # kind: choice (choices + answer), truefalse (answer: true/false), text (answer + accept)
  - id: example-when
    kind: choice
    question: "At what time did the meeting open?"
    choices: ["Six", "Seven", "Eight"]
    answer: "Seven"
    explanation: "The text says the meeting opened at seven."
    citation: "The meeting opened at seven."  # the passage that supports the answer
  - id: example-who-read
    kind: text
    question: "Who read the first chapter aloud?"
    answer: "Anna Petrova"
    accept: ["Petrova"]
    explanation: "Anna Petrova read the first chapter aloud."
    citation: "Anna Petrova read the first chapter aloud"

discussion:
  - "Why might a circle insist that everyone speaks before anyone leaves?"

glossary:
  - term: reading circle
    aliases: [circle]
    definition: "A small group that reads one text together, chapter by chapter."
"""


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def book_yaml(meta: BookMeta) -> str:
    lines = [
        editor_line("schema/book.schema.json"),
        '# The book\'s metadata. See "Writing a content pack" in README.md for every field.\n',
        f"id: {meta.id}\n",
        f"title: {_quoted(meta.title)}\n",
        f"author: {_quoted(meta.author)}\n",
        f"language: {_quoted(meta.language)}\n",
        f"source: {_quoted(meta.source)}\n",
    ]
    return "".join(lines)


def new_pack(
    folder: Path, book_id: str, title: str, author: str | None = None, language: str | None = None
) -> list[Path]:
    """Write a new book folder; raise ProblemsError (writing nothing) when the folder is not
    empty or a value does not fit book.yaml. Returns the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise fail(str(folder), "already exists and is not empty; give a new folder")
    data = {
        "id": book_id,
        "title": title,
        "author": author or "Unknown",
        "language": language or "en",
        "source": "Where the text comes from: edition, translation, link",
    }
    try:
        meta = BookMeta.model_validate(data)
    except ValidationError as exc:
        doc = parse_yaml(json.dumps(data, ensure_ascii=False), "pack new")
        problems = problems_from_validation(exc, doc, model=BookMeta)
        flags = {"id": "--id", "title": "--title", "author": "--author", "language": "--language"}
        raise ProblemsError(
            [Problem("pack new", None, flags.get(p.where, p.where), p.message) for p in problems]
        ) from None
    files = {folder / "book.yaml": book_yaml(meta)}
    files[folder / "chapters" / "example.yaml"] = (
        editor_line("../schema/chapter.schema.json") + EXAMPLE_CHAPTER
    )
    files[folder / "texts" / "example.txt"] = EXAMPLE_TEXT
    for name, text in schema_texts().items():
        files[folder / "schema" / name] = text
    write_new(files)
    return list(files)
