"""`pack new`: a book folder that validates at once, with the schema line on each YAML file;
bad input writes nothing and exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pack_cli import run, snapshot


def test_a_new_pack_validates_and_previews(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "my-book"
    made = run(
        capsys,
        "pack",
        "new",
        folder,
        "--id",
        "my-book",
        "--title",
        "My Book: A Story",
        "--author",
        "A. Writer",
    )
    assert made.code == 0, made.err
    assert "book.yaml" in made.out and "python -m bot validate" in made.out
    book = (folder / "book.yaml").read_text(encoding="utf-8")
    chapter = (folder / "chapters" / "example.yaml").read_text(encoding="utf-8")
    assert book.startswith("# yaml-language-server: $schema=schema/book.schema.json\n")
    assert chapter.startswith("# yaml-language-server: $schema=../schema/chapter.schema.json\n")
    assert (folder / "schema" / "chapter.schema.json").is_file()
    checked = run(capsys, "validate", "--strict", folder)
    assert checked.code == 0, checked.err
    assert "my-book: 1 chapter(s), 1 quotes, 2 quiz items: OK" in checked.out
    shown = run(capsys, "pack", "preview", folder / "chapters" / "example.yaml")
    assert shown.code == 0 and "Chapter 0: An example chapter" in shown.out


def test_a_folder_that_is_not_empty_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(folder)
    refused = run(capsys, "pack", "new", folder, "--id", "x", "--title", "X")
    assert refused.code == 2
    assert "already exists and is not empty" in refused.err
    assert snapshot(folder) == before


def test_a_bad_id_is_refused_with_the_flag_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "new"
    refused = run(capsys, "pack", "new", folder, "--id", "My Book", "--title", "X")
    assert refused.code == 2
    assert "--id" in refused.err and "lowercase letters, digits and hyphens" in refused.err
    assert not folder.exists()
