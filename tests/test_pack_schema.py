"""`pack schema`: JSON Schema files generated from the models validate uses, so an editor
checks the same fields (and refuses the same unknown ones) as the bot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.content.model import BookMeta, Chapter
from tests.pack_cli import run


def test_the_schemas_are_the_models(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    done = run(capsys, "pack", "schema", tmp_path / "schema")
    assert done.code == 0, done.err
    assert "# yaml-language-server: $schema=" in done.out
    chapter = json.loads((tmp_path / "schema" / "chapter.schema.json").read_text("utf-8"))
    book = json.loads((tmp_path / "schema" / "book.schema.json").read_text("utf-8"))
    assert chapter["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(chapter["properties"]) == set(Chapter.model_fields)
    assert set(chapter["required"]) == {"number", "title", "summary", "key_points"}
    assert chapter["additionalProperties"] is False
    assert set(book["properties"]) == set(BookMeta.model_fields)
    quiz = chapter["$defs"]["QuizItem"]
    assert quiz["properties"]["kind"]["enum"] == ["choice", "truefalse", "text"]
    again = run(capsys, "pack", "schema", tmp_path / "schema")  # refreshing is allowed
    assert again.code == 0


def test_a_schema_folder_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "schema"
    taken.write_text("a file", encoding="utf-8")
    refused = run(capsys, "pack", "schema", taken)
    assert refused.code == 2 and "cannot be written" in refused.err
    assert taken.read_text(encoding="utf-8") == "a file"
