"""`import-quiz`: quiz items from a spreadsheet (CSV with documented columns) added to a
chapter, checked like validate checks them; on any problem nothing is written, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.packs import load_chapter
from tests.pack_cli import Ran, copy_shipped, run, snapshot

GOOD = """\
question,kind,answer,choices,accept,explanation,citation
In what month of 1926 was the British general strike?,,May,March|May|June,,The text names May 1926.,the general strike of May 1926
Who led the Kuomintang?,text,Chiang Kai-shek,,Chiang,The text says Chiang led it.,"the Kuomintang, led by the reactionary Chiang Kai-shek"
The Left Opposition supported the policy on China.,truefalse,false,,,It fought the policy every inch of the way.,fought this policy every inch of the way
"""


def import_quiz(
    capsys: pytest.CaptureFixture[str],
    sheet: Path,
    folder: Path,
    chapter: str = "15",
    book: str = "united-opposition",
) -> Ran:
    """`import-quiz` of the sheet into the scratch copy of the shipped book in `folder`."""
    return run(
        capsys,
        "import-quiz",
        sheet,
        "--book",
        book,
        "--chapter",
        chapter,
        "--content",
        folder.parent,
    )


@pytest.fixture
def good_sheet(tmp_path: Path) -> Path:
    sheet = tmp_path / "quiz.csv"
    sheet.write_text(GOOD, encoding="utf-8")
    return sheet


def test_rows_become_quiz_items_of_the_chapter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], good_sheet: Path
) -> None:
    folder, sheet = copy_shipped(tmp_path), good_sheet
    done = import_quiz(capsys, sheet, folder, "15")
    assert done.code == 0, done.err
    assert "3 quiz item(s) added" in done.out
    items = {i.question: i for i in load_chapter(folder / "chapters" / "15.yaml").quiz}
    month = items["In what month of 1926 was the British general strike?"]
    assert (month.kind, month.choices, month.answer) == ("choice", ["March", "May", "June"], "May")
    who = items["Who led the Kuomintang?"]
    assert (who.kind, who.answer, who.accept) == ("text", "Chiang Kai-shek", ["Chiang"])
    assert items["The Left Opposition supported the policy on China."].answer is False
    again = import_quiz(capsys, sheet, folder, "15")
    assert again.code == 0 and "3 skipped" in again.out


@pytest.mark.parametrize(
    ("sheet", "said"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01binary", "binary file"),
        (b"question,answer\nQ?,A\n", "missing column(s) explanation"),
        (b"question,answer,explanation,colour\nQ?,A,E,red\n", "unknown column(s) 'colour'"),
        (b"question,answer,explanation\n", "no rows after the header row"),
        (
            b"question,answer,explanation,citation\nWhen?,1926,Said so.,not in the text at all\n",
            "is not found word for word",
        ),
        (
            b"question,answer,choices,explanation,citation\nWhen?,1927,1925|1926,E,in 1926\n",
            "is not among the choices",
        ),
        (b"question,answer,explanation\nWhen?,1926,E\n", "column citation"),
    ],
)
def test_bad_sheets_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sheet: bytes, said: str
) -> None:
    folder = copy_shipped(tmp_path)
    before = snapshot(folder)
    path = tmp_path / "quiz.csv"
    path.write_bytes(sheet)
    refused = import_quiz(capsys, path, folder, "15")
    assert refused.code == 2
    assert said in refused.err and "nothing was written" in refused.err
    assert snapshot(folder) == before


def test_an_unknown_chapter_or_book_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], good_sheet: Path
) -> None:
    folder, path = copy_shipped(tmp_path), good_sheet
    chapter = import_quiz(capsys, path, folder, "3")
    assert chapter.code == 2 and "there is no chapter 3 (chapters: 15)" in chapter.err
    book = import_quiz(capsys, path, folder, "15", book="other")
    assert book.code == 2 and "no book with id 'other'" in book.err
