"""`pack split`: a whole book cut at its chapter headings ("Chapter 3", "CHAPTER THREE",
"III.", "Chapter Sixteen", or a --pattern), one text and one stub chapter file each, listed
so a wrong cut shows; bad input (empty, binary, no headings) writes nothing and exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.packtools.split import find_chapters
from tests.pack_cli import SHIPPED_TEXT, run, snapshot

BOOK = """\
A Book of Circles
by Someone

Chapter 3

The third chapter starts here. It has two sentences.

CHAPTER FOUR: The Fourth

Four is told in capitals.

Chapter Sixteen

Sixteen jumps ahead. Continue to Chapter Seventeen
"""


def test_the_usual_headings_are_found_with_their_numbers_and_titles() -> None:
    found, front = find_chapters(BOOK)
    assert [(c.number, c.title) for c in found] == [
        (3, "Chapter 3"),
        (4, "The Fourth"),
        (16, "Chapter 16"),
    ]
    assert front == 3  # the title page is left out
    assert found[0].text == "The third chapter starts here. It has two sentences.\n"
    assert "Continue to Chapter Seventeen" in found[2].text  # inside a line: not a heading


@pytest.mark.parametrize(
    ("heading", "number", "title"),
    [
        ("Chapter 3", 3, "Chapter 3"),
        ("CHAPTER THREE", 3, "Chapter 3"),
        ("III.", 3, "Chapter 3"),
        ("Chapter Sixteen", 16, "Chapter 16"),
        ("Chapter Twenty-One: The Turn", 21, "The Turn"),
        ("CHAPTER XII. A Quiet Year", 12, "A Quiet Year"),
        ("Chap. 7 - Home", 7, "Home"),
    ],
)
def test_each_heading_form_gives_its_number(heading: str, number: int, title: str) -> None:
    found, _ = find_chapters(f"{heading}\n\nThe text.\n")
    assert [(c.number, c.title, c.text) for c in found] == [(number, title, "The text.\n")]


@pytest.mark.parametrize(
    "line",
    [
        "Chapter 3 was the part of the book everyone argued about, for weeks and weeks.",
        "Continue to Chapter Sixteen",
        "iii. a list item in lower case",
        "Chapter Civil",
    ],
)
def test_lines_that_are_not_headings(line: str) -> None:
    assert find_chapters(f"Intro.\n\n{line}\n\nMore.\n")[0] == []


def test_roman_numerals_with_a_title_on_the_next_line() -> None:
    found, _ = find_chapters("I.\nThe Start\n\nOne.\n\nII.\n\nTwo.\n\nIII. The End\n\nThree.\n")
    assert [(c.number, c.title, c.text.strip()) for c in found] == [
        (1, "The Start", "One."),
        (2, "Chapter 2", "Two."),
        (3, "The End", "Three."),
    ]


def test_split_writes_texts_and_stub_chapters_that_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "book"
    assert run(capsys, "pack", "new", folder, "--id", "circles", "--title", "Circles").code == 0
    book = tmp_path / "book.txt"
    book.write_text(BOOK, encoding="utf-8")
    done = run(capsys, "pack", "split", book, folder)
    assert done.code == 0, done.err
    assert "3 chapter(s) found" in done.out
    assert "line     4  chapter 3: 'Chapter 3' (9 words) The third chapter starts here." in done.out
    assert "chapter 16" in done.out and "the 3 line(s) before the first heading" in done.out
    assert (folder / "texts" / "4.txt").read_text(encoding="utf-8") == "Four is told in capitals.\n"
    stub = (folder / "chapters" / "16.yaml").read_text(encoding="utf-8")
    assert "source_text: texts/16.txt" in stub and "number: 16" in stub
    checked = run(capsys, "validate", folder)
    assert checked.code == 0, checked.err
    assert "circles: 4 chapter(s)" in checked.out  # the example chapter 0 and three
    again = run(capsys, "pack", "split", book, folder)  # would overwrite: refused
    assert again.code == 2 and "already exists" in again.err


def test_a_pattern_names_other_headings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "book.txt"
    book.write_text("Part 1\n\nOne.\n\nPart 2\n\nTwo.\n", encoding="utf-8")
    done = run(capsys, "pack", "split", book, tmp_path / "out", "--pattern", r"^Part (\d+)$")
    assert done.code == 0, done.err
    assert (tmp_path / "out" / "texts" / "2.txt").read_text(encoding="utf-8") == "Two.\n"
    bad = run(capsys, "pack", "split", book, tmp_path / "out2", "--pattern", "(")
    assert bad.code == 2 and "not a regular expression" in bad.err


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "the text is empty"),
        (b"  \n\n", "the text is empty"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"\xff\xfe not utf-8", "not valid UTF-8"),
        (b"Just prose.\n\nNo headings at all.\n", "no line looks like a chapter heading"),
        (b"Chapter 1\n\nA.\n\nChapter One\n\nB.\n", "chapter 1 has two headings"),
    ],
)
def test_bad_texts_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, said: str
) -> None:
    book = tmp_path / "book.txt"
    book.write_bytes(content)
    folder = tmp_path / "out"
    folder.mkdir()
    refused = run(capsys, "pack", "split", book, folder)
    assert refused.code == 2
    assert said in refused.err and "nothing was written" in refused.err
    assert snapshot(folder) == {}


def test_the_shipped_chapter_has_no_heading_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shipped text is one chapter without a heading; its last line names the next
    chapter ("Continue to Chapter Sixteen"), which is no heading."""
    found, _ = find_chapters(SHIPPED_TEXT.read_text(encoding="utf-8"))
    assert found == []
