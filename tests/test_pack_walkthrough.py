"""The README's walkthrough for a new book ("From a book's text to a pack"), run step by
step: each `python -m bot` line of the section in order, in a scratch folder, with a small
book for `my-book.txt` and the suggested drafts pasted where the README says to paste."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from tests.harness import ROOT
from tests.pack_cli import run

SECTION = "### From a book's text to a pack: the pack tools"
BOOK = """\
My Book

Chapter One

On 4 May 1926 the circle met for the first time. Anna Petrova read aloud, and the circle
argued until ten. Petrova said little after that.

Chapter Two

In 1927 the circle moved to a bigger room. Petrova kept the key, and twelve members came.
"""
QUIZ = """\
question,answer,choices,explanation,citation
In what year did the circle first meet?,1926,1925|1926|1927,The text says 4 May 1926.,On 4 May 1926 the circle met for the first time.
"""


def walkthrough() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) : text.index("\n### ", text.index(SECTION) + 1)]
    return re.findall(r"^ {4,}(python -m bot .+)$", section, flags=re.MULTILINE)


def test_the_readme_walkthrough_runs_step_by_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = walkthrough()
    names = [a[4] if a[3] == "pack" else a[3] for a in map(shlex.split, steps)]
    assert names == [
        "new", "validate", "split", "suggest", "validate", "preview", "preview", "import-quiz",
    ]  # fmt: skip
    monkeypatch.chdir(tmp_path)
    Path("my-book.txt").write_text(BOOK, encoding="utf-8")
    Path("quiz.csv").write_text(QUIZ, encoding="utf-8")
    chapter = tmp_path / "content" / "my-book" / "chapters" / "1.yaml"
    for step in steps:
        args = shlex.split(step)[3:]
        done = run(capsys, *args)
        assert done.code == 0, f"{step}\n{done.err}"
        if args[:2] == ["pack", "suggest"]:  # "Paste what you keep ...": the quiz, as printed
            assert yaml.safe_load(done.out)["quiz"]
            start = done.out.index("\nquiz:\n") + 1
            pasted = done.out[start : done.out.index("\n\n", start) + 1]
            with chapter.open("a", encoding="utf-8") as out:
                out.write(pasted)
        if args[0] == "validate" and args[-1] == "content/my-book":
            assert "my-book: " in done.out and ": OK" in done.out
        if args[:2] == ["pack", "preview"]:
            assert "Chapter 1: Chapter 1" in done.out and "DRAFT: " in done.out
    assert "In what year did the circle first meet?" in chapter.read_text("utf-8")
