"""Issue 10: the content folder is a library. Every book in it is loaded and validated at
start and by `validate`; a problem in any book refuses to start; `book` in the config is the
default and must name a book of the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content.library import load_checked
from tests.library_support import BAKERS, LIBRARY_CONTENT, OPPOSITION, make_library


def break_bakers(library: Path) -> Path:
    chapter = library / BAKERS / "chapters" / "1.yaml"
    chapter.write_text(
        chapter.read_text().replace(
            "We bake the bread of the whole district", "We bake the cake of the whole district"
        )
    )
    return chapter


def test_the_test_book_validates_alone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(LIBRARY_CONTENT)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "bakers-cooperative: 2 chapter(s), 2 quotes, 2 quiz items: OK" in out


def test_validate_checks_and_lists_every_book_of_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = make_library(tmp_path / "library")
    assert main(["validate", str(library)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "bakers-cooperative: 2 chapter(s), 2 quotes, 2 quiz items: OK" in out
    assert "united-opposition: 1 chapter(s)" in out
    assert [b.meta.id for b in load_checked(library).books] == [BAKERS, OPPOSITION]


def test_validate_names_a_problem_in_the_second_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = make_library(tmp_path / "library", copy=(BAKERS,))
    chapter = break_bakers(library)
    assert main(["validate", str(library)]) == 2
    err = capsys.readouterr().err
    assert f"{chapter}:" in err
    assert "quote 'lenoir-our-own-flour' is not found word for word in texts/bakers.txt" in err
    assert "1 problem(s) found." in err and "Traceback" not in err


def test_run_refuses_to_start_when_any_book_has_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = make_library(tmp_path / "library", copy=(BAKERS,))
    break_bakers(library)
    database = tmp_path / "bot.sqlite3"
    config = tmp_path / "config.yaml"
    # the broken book is not the default: the start is refused all the same
    config.write_text(f"database: {database}\ncontent: {library}\nbook: {OPPOSITION}\n")
    assert main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "lenoir-our-own-flour" in err and "Traceback" not in err
    assert not database.exists()


def test_a_default_book_not_in_the_library_is_refused_naming_the_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = make_library(tmp_path / "library")
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {tmp_path / 'bot.sqlite3'}\ncontent: {library}\nbook: capital\n")
    expected = (
        f"{config}:3: book: no book with id 'capital' in the library (found: "
        "bakers-cooperative, united-opposition); `book` names the default book for groups "
        "that have not chosen one"
    )
    assert main(["validate", "--config", str(config)]) == 2
    assert expected in capsys.readouterr().err
    assert main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
