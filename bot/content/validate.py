"""Checks across a whole pack that the schema alone cannot make: duplicate ids, chapter
numbers and glossary terms, and quotes and citations against their chapter's source text.

The checks read the parsed documents, not only the models, so a file with a schema
problem is still checked here: one run reports every problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.content.attribution import (
    attribution_lines,
    occurrences,
    quoted_passages,
    same_work,
)
from bot.content.model import QuizItem
from bot.content.packs import BookFiles, Loaded, PackLoad
from bot.content.passages import Normalised, closest_passage, contains, normalise
from bot.yamlfiles.document import (
    Document,
    Loc,
    Problem,
    ProblemsError,
    format_loc,
    problems_from_error_list,
    read_text,
)
from bot.yamlfiles.errors import RULE


def check_library(pack: PackLoad) -> list[Problem]:
    """Every problem across the files of the pack that loaded (see packs.read_pack)."""
    problems: list[Problem] = []
    books: dict[str, str] = {}
    for book in pack.books:
        doc = book.meta.doc
        book_id = _mapping(doc).get("id")
        if doc is not None and isinstance(book_id, str):
            if book_id in books:
                problems.append(
                    _at(doc, ("id",), f"two books have the id {book_id!r} (also {books[book_id]})")
                )
            books.setdefault(book_id, book.meta.name)
        problems.extend(check_book(book))
    return problems


def check_book(book: BookFiles) -> list[Problem]:
    problems: list[Problem] = []
    numbers: dict[int, str] = {}
    for chapter in book.chapters:
        number = _mapping(chapter.doc).get("number")
        if chapter.doc is not None and isinstance(number, int) and not isinstance(number, bool):
            if number in numbers:
                problems.append(
                    _at(
                        chapter.doc,
                        ("number",),
                        f"chapter number {number} is used twice (also in {numbers[number]})",
                    )
                )
            numbers.setdefault(number, chapter.name)
    problems.extend(_unique_ids(book.chapters, "quotes", "quote"))
    problems.extend(_unique_ids(book.chapters, "quiz", "quiz item"))
    for deck in book.decks:
        problems.extend(_unique_ids([deck], "quiz", "quiz item"))
    problems.extend(_unique_deck_ids(book.decks))
    problems.extend(_unique_terms(book.chapters))
    files: list[Loaded[Any]] = [*book.chapters, *book.decks]
    for loaded in files:
        problems.extend(_hidden_quiz_rules(loaded))
    sources = SourceTexts(book.folder)
    for chapter in book.chapters:
        problems.extend(sources.check_chapter(chapter))
    return problems


def _mapping(doc: Document | None) -> dict[str, Any]:
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


def _entries(doc: Document | None, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The mappings listed under `key` in a document, with their index."""
    items = _mapping(doc).get(key)
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def _at(doc: Document, loc: Loc, message: str) -> Problem:
    return Problem(doc.file, doc.line_of(loc), format_loc(loc), message)


def _unique_ids(files: list[Loaded[Any]], key: str, kind: str) -> list[Problem]:
    problems = []
    seen: dict[str, tuple[str, int | None]] = {}
    for loaded in files:
        doc = loaded.doc
        for i, item in _entries(doc, key):
            item_id = item.get("id")
            if doc is None or not isinstance(item_id, str):
                continue
            line = doc.line_of((key, i, "id"))
            if item_id in seen:
                file, first = seen[item_id]
                where = f"line {first}" if file == doc.file else f"{file}:{first}"
                problems.append(
                    _at(
                        doc,
                        (key, i, "id"),
                        f"{kind} id {item_id!r} is used twice (first at {where}); ids must be unique in a book",
                    )
                )
            else:
                seen[item_id] = (doc.file, line)
    return problems


# The fields that QuizItem's rules (its model validator) read, and a stand-in value that
# fits every other required field (ids and texts).
_RULE_FIELDS = frozenset({"kind", "choices", "answer", "accept"})
_STAND_IN = "x"


def _hidden_quiz_rules(loaded: Loaded[Any]) -> list[Problem]:
    """The rules across a quiz item's fields (the answer among the choices, ...) for items
    whose other problems (an unknown or missing field, an empty question) stopped the model
    before its rules ran. The rules run on the item with those fields set aside; an item
    whose rules the model did run is left alone, so each problem is reported once."""
    doc = loaded.doc
    if doc is None or loaded.model is not None:
        return []
    problems = []
    for i, item in _entries(doc, "quiz"):
        try:
            QuizItem.model_validate(item)
            continue
        except ValidationError as exc:
            errors = exc.errors()
        bad = {e["loc"][0] for e in errors if e["loc"]}
        if any(e["type"] == RULE for e in errors) or bad & _RULE_FIELDS:
            continue  # the model reported its rules, or a field they read is itself wrong
        stand_in: dict[str, Any] = {}
        for name, info in QuizItem.model_fields.items():
            if name in item and name not in bad:
                stand_in[name] = item[name]
            elif info.is_required():
                stand_in[name] = _STAND_IN
        try:
            QuizItem.model_validate(stand_in)
        except ValidationError as exc:
            rules = [e for e in exc.errors() if e["type"] == RULE]
            problems.extend(problems_from_error_list(rules, doc, ("quiz", i), QuizItem))
    return problems


def _unique_deck_ids(decks: list[Loaded[Any]]) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for deck in decks:
        deck_id = _mapping(deck.doc).get("id")
        if deck.doc is None or not isinstance(deck_id, str):
            continue
        if deck_id in seen:
            problems.append(
                _at(deck.doc, ("id",), f"deck id {deck_id!r} is used twice (also {seen[deck_id]})")
            )
        seen.setdefault(deck_id, deck.name)
    return problems


def _unique_terms(chapters: list[Loaded[Any]]) -> list[Problem]:
    """A glossary term or alias names one entry in the whole book."""
    problems = []
    seen: dict[str, str] = {}
    for chapter in chapters:
        doc = chapter.doc
        for i, entry in _entries(doc, "glossary"):
            assert doc is not None
            names: list[tuple[Loc, Any]] = [(("glossary", i, "term"), entry.get("term"))]
            aliases = entry.get("aliases")
            if isinstance(aliases, list):
                names += [(("glossary", i, "aliases", j), a) for j, a in enumerate(aliases)]
            for loc, name in names:
                if not isinstance(name, str) or not name.strip():
                    continue
                key = " ".join(name.casefold().split())
                if key in seen:
                    problems.append(
                        _at(doc, loc, f"the glossary already has {name!r} (at {seen[key]})")
                    )
                else:
                    seen[key] = f"{doc.file}:{doc.line_of(loc)}"
    return problems


class SourceTexts:
    """The source texts of one book folder, read once each."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cache: dict[Path, tuple[str, Normalised] | Problem] = {}

    def get(self, doc: Document, relative: str) -> tuple[str, Normalised] | Problem:
        loc: Loc = ("source_text",)
        rel = Path(relative.strip())
        path = self.folder / rel
        try:
            inside = path.resolve().is_relative_to(self.folder.resolve())
        except (OSError, RuntimeError, ValueError):
            inside = False
        if rel.is_absolute() or not inside:
            return _at(
                doc,
                loc,
                "source_text names a file inside the book folder, like texts/chapter.txt, "
                f"got {relative!r}",
            )
        if path not in self.cache:
            try:
                text = read_text(path, str(path))
            except ProblemsError as exc:
                said = "; ".join(p.message for p in exc.problems)
                self.cache[path] = _at(doc, loc, f"{said}: {path}")
            else:
                normalised = normalise(text)
                if not normalised.text:
                    self.cache[path] = _at(doc, loc, f"source text {path} is empty")
                else:
                    self.cache[path] = (text, normalised)
        found = self.cache[path]
        if isinstance(found, Problem):
            return Problem(doc.file, doc.line_of(loc), format_loc(loc), found.message)
        return found

    def source_of(self, chapter: Loaded[Any]) -> tuple[str, Normalised] | Problem | None:
        """The chapter's source text, a Problem when it cannot be read, None when it has none."""
        doc = chapter.doc
        relative = _mapping(doc).get("source_text")
        if doc is None or not isinstance(relative, str) or not relative.strip():
            return None
        return self.get(doc, relative)

    def check_chapter(self, chapter: Loaded[Any]) -> list[Problem]:
        """Every quote and quiz citation of the chapter appears in its source text."""
        found = self.source_of(chapter)
        if found is None:
            return []
        if isinstance(found, Problem):
            return [found]
        doc = chapter.doc
        assert doc is not None
        relative = str(_mapping(doc).get("source_text")).strip()
        text, source = found
        problems = []
        checks = [("quotes", "text", "quote"), ("quiz", "citation", "citation of quiz item")]
        for key, field_name, kind in checks:
            for i, item in _entries(doc, key):
                passage = item.get(field_name)
                if not isinstance(passage, str) or not passage.strip():
                    continue
                if contains(source, passage):
                    continue
                item_id = item.get("id")
                named = f"{kind} {item_id!r}" if isinstance(item_id, str) else kind
                closest = closest_passage(text, source, passage)
                said = f"; {closest.describe()}" if closest else ""
                problems.append(
                    _at(
                        doc,
                        (key, i, field_name),
                        f"{named} is not found word for word in {relative}{said}",
                    )
                )
        return problems

    def warnings(self, chapter: Loaded[Any]) -> list[Problem]:
        """Quotes that run across a work's name or are credited to another work than the one
        the text names after them; citations too short to point at one place."""
        found = self.source_of(chapter)
        doc = chapter.doc
        if doc is None or found is None or isinstance(found, Problem):
            return []
        text, source = found
        passages = [(p, normalise(p.text)) for p in quoted_passages(text)]
        names = attribution_lines(text)
        warnings = []
        for i, item in _entries(doc, "quotes"):
            quote, item_id = item.get("text"), item.get("id")
            if not isinstance(quote, str) or not quote.strip():
                continue
            wanted = normalise(quote)
            if occurrences(source, wanted) == 0:
                continue
            loc: Loc = ("quotes", i, "text")
            crossed = [name for name in names if occurrences(wanted, name)]
            if crossed:
                warnings.append(
                    _at(
                        doc,
                        loc,
                        f"quote {item_id!r} runs across the line {crossed[0]!r}, which names the "
                        "work of the passage before it; end the quote before that line",
                    )
                )
                continue
            credit = item.get("source")
            work = credit.get("work") if isinstance(credit, dict) else None
            named = [p.work for p, n in passages if p.work and occurrences(n, wanted)]
            if isinstance(work, str) and named and not any(same_work(work, n) for n in named):
                warnings.append(
                    _at(
                        doc,
                        ("quotes", i, "source", "work"),
                        f"quote {item_id!r} is credited to {work!r}, but the text names "
                        f"{named[0]!r} after its passage",
                    )
                )
        for i, item in _entries(doc, "quiz"):
            citation, item_id = item.get("citation"), item.get("id")
            if not isinstance(citation, str) or not citation.strip():
                continue
            count, words = occurrences(source, citation), len(citation.split())
            if count > 1:
                said = f"appears {count} times in the source text"
            elif count == 1 and words < MIN_CITATION_WORDS:
                said = f"is only {words} word{'s' if words != 1 else ''} long"
            else:
                continue
            warnings.append(
                _at(
                    doc,
                    ("quiz", i, "citation"),
                    f"the citation of quiz item {item_id!r} {said}; quote enough words to "
                    "point at one place",
                )
            )
        return warnings


# -- warnings: what is allowed but probably wrong (`validate --strict` makes them errors) --

Fold = Callable[[str], str]
_PUNCTUATION = re.compile(r"[^\w\s]")
MIN_CITATION_WORDS = 3
# The right answer is the longest choice in more than this share of a chapter's choice
# items (of at least _LONGEST_ITEMS): a member can guess without reading.
_LONGEST_SHARE = 0.5
_LONGEST_ITEMS = 4


def plain_fold(text: str) -> str:
    """Case, punctuation and spacing set aside (the default way to compare choices)."""
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


def pack_warnings(pack: PackLoad, fold: Fold = plain_fold) -> list[Problem]:
    """What is allowed but probably a mistake, in every file that parsed. `fold` says when
    two choices are the same answer (the quiz's own answer normalisation: "Ten" and "10")."""
    warnings: list[Problem] = []
    for book in pack.books:
        sources = SourceTexts(book.folder)
        files: list[Loaded[Any]] = [*book.chapters, *book.decks]
        for loaded in files:
            warnings.extend(_same_choices(loaded, fold))
            warnings.extend(_longest_answers(loaded))
        for chapter in book.chapters:
            warnings.extend(sources.warnings(chapter))
    return sorted(set(warnings), key=lambda p: p.sort_key)


def _choice_items(doc: Document | None) -> Iterator[tuple[int, dict[str, Any], list[str]]]:
    for i, item in _entries(doc, "quiz"):
        choices = item.get("choices")
        kind = item.get("kind")
        if (
            kind == "choice"
            and isinstance(choices, list)
            and all(isinstance(c, str) for c in choices)
        ):
            yield i, item, choices


def _same_choices(loaded: Loaded[Any], fold: Fold) -> list[Problem]:
    doc = loaded.doc
    warnings = []
    for i, _, choices in _choice_items(doc):
        assert doc is not None
        seen: dict[str, str] = {}
        for j, choice in enumerate(choices):
            key = fold(choice)
            if key in seen and seen[key] != choice:
                warnings.append(
                    _at(
                        doc,
                        ("quiz", i, "choices", j),
                        f"the choices {seen[key]!r} and {choice!r} are the same answer once "
                        "case, punctuation and number words are set aside; make them differ",
                    )
                )
            seen.setdefault(key, choice)
    return warnings


def _longest_answers(loaded: Loaded[Any]) -> list[Problem]:
    doc = loaded.doc
    items = [(i, item, choices) for i, item, choices in _choice_items(doc)]
    longest = 0
    for _, item, choices in items:
        answer = item.get("answer")
        others = [len(c) for c in choices if c != answer]
        if isinstance(answer, str) and answer in choices and others:
            longest += len(answer) > max(others)
    if doc is None or len(items) < _LONGEST_ITEMS or longest <= _LONGEST_SHARE * len(items):
        return []
    return [
        _at(
            doc,
            ("quiz",),
            f"the right answer is the longest choice in {longest} of {len(items)} choice "
            "items, so members can guess it without reading; make a wrong choice the "
            "longest in some of them",
        )
    ]
