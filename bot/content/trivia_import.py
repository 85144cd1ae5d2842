"""`python -m bot import-trivia`: Red-DiscordBot trivia lists into a content pack.

A Red trivia list is a YAML mapping of question -> list of accepted answers, with two
optional keys: AUTHOR (text) and CONFIG (a mapping of Red's settings, ignored here).
Each question becomes a free-text QuizItem: the first answer is the answer, the others
are accepted variants. Red's lists hold numbers as answers (`- 1926`, `- 1.10`): those
are taken as written in the file (the YAML text, so `1.10` stays "1.10" and `012` stays
"012"), never as YAML would read them. Lists and mappings where an answer belongs are
refused. Everything is validated with the content loader's models and messages before
anything is written; on any problem nothing is written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.content.library import load_checked
from bot.content.model import Chapter, Deck, QuizItem
from bot.content.packs import load_chapter, load_deck
from bot.yamlfiles.document import (
    Problem,
    ProblemsError,
    parse_yaml,
    problems_from_validation,
    read_text,
    read_yaml,
)

RESERVED = ("AUTHOR", "CONFIG")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class TriviaList:
    file: Path
    author: str | None
    items: list[QuizItem]


@dataclass(frozen=True)
class ImportResult:
    target: Path
    added: int
    updated: int
    skipped: int


def slug(text: str, limit: int = 56) -> str:
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")
    return out or "question"


def unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def read_trivia(path: Path) -> TriviaList:
    """Parse and convert one Red trivia list; raise ProblemsError listing every problem of
    the file, not just the first."""
    name = str(path)
    # Read once, from a regular file only, at most MAX_BYTES: a pipe, a device
    # (/dev/zero) or a huge file is refused here with one clear message, at once.
    text = read_text(path, name, "YAML text")
    try:
        parse_yaml(text, name)
        problems: list[Problem] = []
    except ProblemsError as exc:
        # Problems of the YAML itself (a number as a question, a key twice...): list them
        # and go on through the entries, so that one run names every broken one.
        problems = list(exc.problems)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (ValueError, yaml.YAMLError, RecursionError):
        root = None  # broken or nested too deep: parse_yaml said why
    if root is None or (problems and not isinstance(root, yaml.MappingNode)):
        # The file is unreadable or its YAML is broken: read_yaml said why.
        raise ProblemsError(problems or [Problem(name, None, "", "file is empty")])
    if not isinstance(root, yaml.MappingNode):
        raise ProblemsError(
            [
                Problem(
                    name,
                    root.start_mark.line + 1,
                    "",
                    "a trivia list is a mapping of questions to lists of accepted answers",
                )
            ]
        )
    # Answers are taken from the nodes, as written, not as YAML reads them.
    entries = [(k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)]
    reserved = {k.value: v for k, v in entries if k.value in RESERVED}
    author: str | None = None
    author_node = reserved.get("AUTHOR")
    if author_node is not None:
        if isinstance(author_node, yaml.ScalarNode) and author_node.tag.endswith(":str"):
            author = author_node.value
        else:
            line = author_node.start_mark.line + 1
            problems.append(Problem(name, line, "AUTHOR", "expected text (the author's name)"))
    config_node = reserved.get("CONFIG")
    if config_node is not None and not isinstance(config_node, yaml.MappingNode):
        line = config_node.start_mark.line + 1
        problems.append(Problem(name, line, "CONFIG", "expected a mapping of settings"))
    by = f" by {author.strip()}" if author and author.strip() else ""
    source = f"imported from the trivia list {path.name}{by}"
    items: list[QuizItem] = []
    taken: set[str] = set()
    for key_node, value_node in entries:
        question = key_node.value
        if question in RESERVED:
            continue
        where = question if len(question) <= 40 else question[:37] + "..."
        line = value_node.start_mark.line + 1
        answers = _answers(value_node, name, where, problems)
        if answers is None:
            continue
        accept = _distinct(answers[1:], answers[0])
        shown = ", ".join([answers[0], *accept])
        raw = {
            "id": unique_id(slug(question), taken),
            "kind": "text",
            "question": question,
            "answer": answers[0],
            "accept": accept,
            "explanation": f"Accepted answers: {shown}."
            if accept
            else f"The accepted answer: {shown}.",
            "source": source,
        }
        try:
            items.append(QuizItem.model_validate(raw))
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"])
                message = str(error["msg"]).removeprefix("Value error, ")
                problems.append(Problem(name, line, where, f"{field}: {message}"))
    if not items and not problems:
        problems.append(Problem(name, None, "", "the list has no questions"))
    if problems:
        unique = {(p.line or 0, p.where, p.message): p for p in problems}
        raise ProblemsError([unique[k] for k in sorted(unique)])
    return TriviaList(path, author, items)


def _answers(node: yaml.Node, name: str, where: str, problems: list[Problem]) -> list[str] | None:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(name, line, where, "expected a list of accepted answers"))
        return None
    if not node.value:
        problems.append(Problem(name, line, where, "the list of accepted answers is empty"))
        return None
    answers: list[str] = []
    ok = True
    for i, item in enumerate(node.value):
        at = item.start_mark.line + 1
        if not isinstance(item, yaml.ScalarNode):
            kind = "a list" if isinstance(item, yaml.SequenceNode) else "a mapping"
            problems.append(
                Problem(
                    name, at, f"{where}[{i}]", f"expected an answer (text or a number), got {kind}"
                )
            )
            ok = False
        elif not item.value.strip() or (item.tag == "tag:yaml.org,2002:null" and not item.style):
            problems.append(Problem(name, at, f"{where}[{i}]", "the answer is empty"))
            ok = False
        else:
            answers.append(item.value.strip())
    return answers if ok else None


def _distinct(values: Iterable[str], first: str) -> list[str]:
    seen = {first.casefold()}
    out = []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out


# -- writing into a content pack ---------------------------------------------------------


def book_folder(root: Path, book_id: str) -> Path:
    if not root.is_dir():
        raise ProblemsError([Problem(str(root), None, "", "content folder not found")])
    folders = [root] if (root / "book.yaml").is_file() else sorted(root.iterdir())
    for folder in folders:
        meta = folder / "book.yaml"
        if meta.is_file():
            data = read_yaml(meta).data
            if isinstance(data, dict) and data.get("id") == book_id:
                return folder
    raise ProblemsError([Problem(str(root), None, "", f"no book with id {book_id!r}")])


def _item_dict(item: QuizItem) -> dict[str, Any]:
    data = item.model_dump(exclude_defaults=True)
    order = (
        "id",
        "kind",
        "question",
        "choices",
        "answer",
        "accept",
        "explanation",
        "citation",
        "source",
    )
    return {k: data[k] for k in order if k in data}


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def deck_text(path: Path, deck_id: str, title: str, items: list[QuizItem]) -> tuple[str, int, int]:
    """The new deck file: existing items kept, re-imported ones (same id) replaced."""
    existing: list[QuizItem] = []
    if path.exists():
        deck = load_deck(path)
        existing, title = list(deck.quiz), deck.title
    new_ids = {i.id for i in items}
    updated = sum(1 for i in existing if i.id in new_ids)
    merged = [i for i in existing if i.id not in new_ids] + items
    text = _dump({"id": deck_id, "title": title, "quiz": [_item_dict(i) for i in merged]})
    doc = parse_yaml(text, str(path))
    try:
        Deck.model_validate(doc.data)
    except ValidationError as exc:
        raise would_have(f"deck {deck_id}", path, problems_from_validation(exc, doc)) from None
    return text, len(items) - updated, updated


def chapter_text(path: Path, items: list[QuizItem], taken: set[str]) -> tuple[str, int, int]:
    """The chapter file with the items appended to its quiz list; the rest of the file,
    comments included, stays as it was. Questions already in the chapter are skipped."""
    chapter = load_chapter(path)
    asked = {i.question.casefold() for i in chapter.quiz}
    fresh = [i for i in items if i.question.casefold() not in asked]
    fresh = [i.model_copy(update={"id": unique_id(i.id, taken)}) for i in fresh]
    skipped = len(items) - len(fresh)
    text = read_text(path, str(path), "YAML text")
    if fresh:
        text = _append_quiz(text, [_item_dict(i) for i in fresh], str(path))
    doc = parse_yaml(text, str(path))
    try:
        Chapter.model_validate(doc.data)
    except ValidationError as exc:
        label = f"chapter {chapter.number}"
        raise would_have(label, path, problems_from_validation(exc, doc)) from None
    return text, len(fresh), skipped


def would_have(label: str, target: Path, problems: list[Problem]) -> ProblemsError:
    """Problems found in the file an import would write, which was never written (or was
    put back): said as "after import, chapter 15 would have: ...", without line numbers
    of a file nobody can open."""
    said = f"after import, {label} would have"
    return ProblemsError(
        [
            Problem(said, None, p.where, p.message) if _same_file(p.file, target) else p
            for p in problems
        ]
    )


def _append_quiz(text: str, items: list[dict[str, Any]], name: str) -> str:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, ln in enumerate(lines) if re.match(r"^quiz\s*:", ln)), None)

    def block(indent: int) -> list[str]:
        dumped = _dump(items).splitlines(keepends=True)
        return [" " * indent + ln if ln.strip() else ln for ln in dumped]

    if start is None:
        return "".join([*lines, "quiz:\n", *block(2)])
    rest = lines[start].split(":", 1)[1].split("#", 1)[0].strip()
    if rest == "[]":
        return "".join([*lines[:start], "quiz:\n", *block(2), *lines[start + 1 :]])
    if rest:
        raise ProblemsError(
            [
                Problem(
                    name,
                    start + 1,
                    "quiz",
                    "the quiz list is written in flow style ([...]); write it as a block "
                    "list (one `- id: ...` per item) so items can be added",
                )
            ]
        )
    end = start + 1
    indent: int | None = None
    last = start
    while end < len(lines):
        ln = lines[end]
        if ln.strip() and not ln[0].isspace() and not ln.startswith("-") and not ln.startswith("#"):
            break
        if ln.strip() and not ln.lstrip().startswith("#"):
            last = end
            if indent is None and ln.lstrip().startswith("-"):
                indent = len(ln) - len(ln.lstrip())
        end += 1
    return "".join([*lines[: last + 1], *block(indent or 0), *lines[last + 1 :]])


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_trivia(
    files: list[Path],
    root: Path,
    book_id: str,
    chapter: int | None = None,
    deck: str | None = None,
    title: str | None = None,
) -> ImportResult:
    """Convert the lists and add them to a deck or a chapter; raise ProblemsError (and
    write nothing) on any problem."""
    if (chapter is None) == (deck is None):
        raise ProblemsError([Problem("import-trivia", None, "", "give --chapter or --deck")])
    if deck is not None and not ID_PATTERN.match(deck):
        raise ProblemsError(
            [
                Problem(
                    "import-trivia",
                    None,
                    "--deck",
                    f"{deck!r} is not a deck name: use lower-case letters, digits and dashes",
                )
            ]
        )
    folder = book_folder(root, book_id)
    library = load_checked(root)
    book = library.book(book_id)
    problems: list[Problem] = []
    lists: list[TriviaList] = []
    for file in files:
        try:
            lists.append(read_trivia(file))
        except ProblemsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProblemsError(problems)
    taken: set[str] = set()
    items: list[QuizItem] = []
    for trivia in lists:
        for item in trivia.items:
            items.append(item.model_copy(update={"id": unique_id(item.id, taken)}))
    if deck is not None:
        target = folder / "decks" / f"{deck}.yaml"
        authors = sorted({t.author for t in lists if t.author})
        default_title = title or (
            f"Trivia by {', '.join(authors)}" if authors else f"Trivia: {deck}"
        )
        text, added, updated = deck_text(target, deck, default_title, items)
        skipped = 0
    else:
        found = book.chapter(chapter) if chapter is not None else None
        if found is None:
            raise ProblemsError(
                [Problem(str(folder), None, "--chapter", f"there is no chapter {chapter}")]
            )
        target = _chapter_file(folder, found.number)
        book_ids = {i.id for c in book.chapters for i in c.quiz}
        text, added, skipped = chapter_text(target, items, book_ids)
        updated = 0
    label = f"deck {deck}" if deck is not None else f"chapter {chapter}"
    try:
        _write_checked(root, target, text)
    except ProblemsError as exc:
        raise would_have(label, target, exc.problems) from None
    return ImportResult(target, added, updated, skipped)


def _same_file(name: str, target: Path) -> bool:
    try:
        return Path(name).resolve() == target.resolve()
    except (OSError, ValueError):
        return False


def _chapter_file(folder: Path, number: int) -> Path:
    for path in sorted((folder / "chapters").glob("*.yaml")):
        if load_chapter(path).number == number:
            return path
    raise ProblemsError([Problem(str(folder), None, "--chapter", f"no file for chapter {number}")])


def _write_checked(root: Path, target: Path, text: str) -> None:
    """Write the file, check the whole content folder again, and put the old file back if
    the result does not load."""
    backup = target.with_name(f".{target.name}.before-import")
    existed = target.exists()
    if existed:
        shutil.copy2(target, backup)
    try:
        write_atomic(target, text)
        load_checked(root)
    except BaseException:
        if existed:
            os.replace(backup, target)
        else:
            target.unlink(missing_ok=True)
        raise
    if existed:
        backup.unlink(missing_ok=True)
