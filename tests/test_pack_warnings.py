"""validate's warnings: allowed but probably wrong, reported with exit 0, and problems
(exit 2) with --strict. The shipped pack has none. Also the unquoted `: ` trap's message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pack_cli import copy_shipped, edit_chapter, replace_in_chapter, run


def item(chapter: dict[str, Any], item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in chapter["quiz"] if i["id"] == item_id)
    return found


def quote(chapter: dict[str, Any], quote_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(q for q in chapter["quotes"] if q["id"] == quote_id)
    return found


def test_the_shipped_pack_has_no_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    checked = run(capsys, "validate", "--strict")
    assert checked.code == 0, checked.err
    assert checked.err == ""


def test_each_warning_says_what_is_wrong_and_strict_makes_it_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_shipped(tmp_path)

    def spoil(chapter: dict[str, Any]) -> None:
        for entry in chapter["quiz"]:  # every right answer the longest choice
            if entry["kind"] == "choice":
                entry["choices"] = [
                    c if c == entry["answer"] else f"w{k}" for k, c in enumerate(entry["choices"])
                ]
        days = item(chapter, "strike-days")
        days["choices"] = ["Three", "Ten", "10", "Ninety"]
        quote(chapter, "trotsky-cold-water")["source"]["work"] = "The Revolution Betrayed"
        quote(chapter, "serge-light-in-the-east")["text"] = (
            "were advancing from victory to victory. From Lenin to Stalin The Chinese working class"
        )
        item(chapter, "canton-where")["citation"] = "Canton"
        item(chapter, "bloc-year")["citation"] = "in 1926"

    edit_chapter(folder / "chapters" / "15.yaml", spoil)
    warned = run(capsys, "validate", folder.parent)
    assert warned.code == 0, warned.err
    err = warned.err
    assert "the choices 'Ten' and '10' are the same answer" in err
    assert (
        "quote 'trotsky-cold-water' is credited to 'The Revolution Betrayed', but the text names 'My Life'"
        in err
    )
    assert "quote 'serge-light-in-the-east' runs across the line 'From Lenin to Stalin'" in err
    assert "the citation of quiz item 'canton-where' is only 1 word long" in err
    assert "the citation of quiz item 'bloc-year' appears 2 times in the source text" in err
    assert "the right answer is the longest choice in" in err
    assert "6 warning(s); --strict counts them as problems." in err
    assert "OK" in warned.out
    strict = run(capsys, "validate", "--strict", folder.parent)
    assert strict.code == 2
    assert "6 problem(s) found." in strict.err and "warning:" not in strict.err


def test_an_unquoted_colon_in_text_gets_its_own_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_shipped(tmp_path)
    title, broken = 'title: "The United Opposition, 1926-27"', "title: Chapter 15: The United"
    replace_in_chapter(folder, title, broken)
    refused = run(capsys, "validate", folder.parent)
    assert refused.code == 2
    assert "15.yaml:6: YAML syntax error: YAML reads an unquoted `: `" in refused.err
    assert 'put the whole text in quotes, like title: "Chapter 3: The Turn"' in refused.err
    replace_in_chapter(folder, broken, title)
    replace_in_chapter(folder, '  - "The 1926 bloc set out', '  - Serge: "The 1926 bloc set out')
    refused = run(capsys, "validate", folder.parent)
    assert refused.code == 2
    assert (
        "discussion[0]: expected text, got a field 'Serge' with a value: YAML reads an unquoted `: `"
        in refused.err
    )
