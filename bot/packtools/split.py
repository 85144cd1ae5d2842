"""`pack split`: a whole book's text cut into one text per chapter, with a stub chapter file
for each, and a list of what was found so a wrong cut is easy to see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.packtools.files import fail, write_new
from bot.packtools.numbers import ROMAN_PATTERN, WORD_PATTERN, number
from bot.packtools.schema import editor_line
from bot.yamlfiles.document import read_text

_MAX_HEADING = 80
# "Chapter 3", "CHAPTER THREE", "Chapter Sixteen: The Turn", "Chap. XII", "III." alone or
# with a title after it.
DEFAULT_HEADING = re.compile(
    rf"^(?:chapter|chap\.)\s+(?P<number>\d+|{ROMAN_PATTERN}|{WORD_PATTERN})\b\s*[.:—\u2013-]?\s*(?P<title>.*)$"
    rf"|^(?P<roman>{ROMAN_PATTERN})\.\s*(?P<roman_title>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    number: int
    title: str
    heading: str
    line: int  # of the heading, 1-based
    text: str  # the chapter's text, its heading left out

    @property
    def words(self) -> int:
        return len(self.text.split())


def _heading(line: str, pattern: re.Pattern[str] | None) -> tuple[int | None, str] | None:
    """(number or None, title) when the line is a chapter heading."""
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_HEADING:
        return None
    if pattern is not None:
        match = pattern.search(stripped)
        if match is None:
            return None
        groups = match.groupdict()
        said = groups.get("number") or (match.group(1) if match.re.groups else None)
        title = (groups.get("title") or "").strip()
        return (number(said) if said else None), title
    match = DEFAULT_HEADING.match(stripped)
    if match is None:
        return None
    if match["roman"] is not None:
        if not match["roman"].isupper():
            return None
        return number(match["roman"]), match["roman_title"].strip()
    found = number(match["number"])
    title = match["title"].strip()
    if found is None or (title.endswith((".", ",", ";")) and len(title.split()) > 8):
        return None  # a sentence that starts with "Chapter 3 ...", not a heading
    return found, title


def _is_title(line: str) -> bool:
    """A title on the line right under a heading: short, not a sentence."""
    text = line.strip()
    return bool(text) and len(text) <= _MAX_HEADING and not text.endswith((".", ",", ";", ":"))


def find_chapters(text: str, pattern: re.Pattern[str] | None = None) -> tuple[list[Found], int]:
    """The chapters in the text and how many lines came before the first heading."""
    lines = text.splitlines()
    heads: list[tuple[int, int | None, str]] = []
    for i, line in enumerate(lines):
        head = _heading(line, pattern)
        before_blank = i == 0 or not lines[i - 1].strip()
        if head is not None and before_blank:
            heads.append((i, *head))
    found: list[Found] = []
    for n, (i, num, title) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        first = i + 1
        if not title and first < end and _is_title(lines[first]):
            title, first = lines[first].strip(), first + 1  # "CHAPTER III" / "The Turn"
        body = "\n".join(lines[first:end]).strip("\n")
        chapter_number = num if num is not None else (found[-1].number + 1 if found else 1)
        found.append(
            Found(
                chapter_number,
                title or f"Chapter {chapter_number}",
                lines[i].strip(),
                i + 1,
                body + "\n",
            )
        )
    return found, heads[0][0] if heads else len(lines)


def stub(chapter: Found, text_file: str) -> str:
    title = chapter.title.replace("\\", "\\\\").replace('"', '\\"')
    return (
        editor_line("../schema/chapter.schema.json")
        + f"# Written by `pack split` from the heading {chapter.heading!r} (line {chapter.line}).\n"
        + "# Fill in the summary and key points; `pack suggest` proposes quotes, quiz items\n"
        + "# and glossary terms from the text.\n"
        + f"number: {chapter.number}\n"
        + f'title: "{title}"\n'
        + f"source_text: {text_file}\n"
        + 'summary: "TODO: what happens in this chapter, in a few sentences."\n'
        + "key_points:\n"
        + '  - "TODO: the chapter\'s first main point."\n'
    )


def split_book(
    book: Path, folder: Path, pattern: str | None = None
) -> tuple[list[Found], int, list[Path]]:
    """Split `book` into `folder`/texts and `folder`/chapters; raise ProblemsError (writing
    nothing) on bad input. Returns the chapters, the lines before the first heading and the
    files written."""
    regex = None
    if pattern is not None:
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise fail("--pattern", f"not a regular expression: {exc}") from None
    text = read_text(book, str(book))
    if not text.strip():
        raise fail(str(book), "the text is empty")
    found, front = find_chapters(text, regex)
    if not found:
        how = (
            f"no line matches --pattern {pattern!r}"
            if pattern
            else 'no line looks like a chapter heading ("Chapter 3", "CHAPTER THREE", '
            '"III.", "Chapter Sixteen") on its own after a blank line'
        )
        raise fail(str(book), f"{how}; give the headings' form with --pattern REGEX")
    seen: dict[int, int] = {}
    for chapter in found:
        if chapter.number in seen:
            raise fail(
                str(book),
                f"chapter {chapter.number} has two headings (lines {seen[chapter.number]} and "
                f"{chapter.line}); check the headings or give --pattern REGEX",
            )
        seen[chapter.number] = chapter.line
    files: dict[Path, str] = {}
    for chapter in found:
        name = f"texts/{chapter.number}.txt"
        files[folder / name] = chapter.text
        files[folder / "chapters" / f"{chapter.number}.yaml"] = stub(chapter, name)
    write_new(files)
    return found, front, list(files)
