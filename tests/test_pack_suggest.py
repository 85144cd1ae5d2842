"""`pack suggest` on the shipped chapter: every one of the pack's 14 quotes lies inside a
passage it proposes, credited to the same work; it proposes no narrator prose as a quote;
its draft quiz items and glossary terms, pasted into a scratch copy of the chapter,
validate. Bad input (no source text, a missing or empty one) exits 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content.attribution import inside, same_work
from bot.content.packs import load_chapter
from tests.pack_cli import (
    SHIPPED_CHAPTER,
    SHIPPED_TEXT,
    copy_shipped,
    edit_chapter,
    replace_in_chapter,
    run,
)

# The shipped text's narrator's own sentences, one from each paragraph around the quotes:
# none of them may be proposed as (part of) a quote.
NARRATOR = [
    "After ten days, with the strike still spreading",
    "This condemned the British working class to a historic defeat.",
    "The Chinese working class was moving independently of the nationalist movement",
    "Stalin and the Comintern leadership had dangerous illusions in Chiang Kai-shek",
    "In practice this meant that the Communist Party had to submit",
    "The Left Opposition fought this policy every inch of the way.",
    "Chiang used the opportunity that Stalin gave him",
    "The Chinese revolution set enormous shock waves in motion internationally.",
    "Thus the international defeats, caused by the bureaucracy",
    "Trotsky explains",
    "wrote Serge",
    "Trotsky wrote",
    "From Lenin to Stalin",
    "Continue to Chapter Sixteen",
]


def suggested(capsys: pytest.CaptureFixture[str], chapter: Path) -> dict[str, Any]:
    done = run(capsys, "pack", "suggest", chapter)
    assert done.code == 0, done.err
    data = yaml.safe_load(done.out)
    assert isinstance(data, dict)
    return data


def test_every_shipped_quote_lies_in_a_proposed_passage_of_the_same_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    proposed = suggested(capsys, SHIPPED_CHAPTER)["quotes"]
    chapter = load_chapter(SHIPPED_CHAPTER)
    assert len(chapter.quotes) == 14
    for quote in chapter.quotes:
        holding = [p for p in proposed if inside(p["text"], quote.text)]
        assert holding, f"{quote.id} is in no proposed passage"
        works = [p["source"]["work"] for p in holding]
        assert any(same_work(w, quote.source.work) for w in works), (quote.id, works)
    by_work = {p["source"]["work"] for p in proposed}
    assert by_work == {
        "From Lenin to Stalin",
        "My Life",
        "The Revolution Betrayed",
        "Resolution of ECCI, March 1926",
    }
    authors = {p["source"]["author"] for p in proposed if p["source"]["work"] == "My Life"}
    assert authors == {"Leon Trotsky"}  # the lead-in's "Trotsky", as the glossary names him


def test_no_narrator_prose_is_proposed_as_a_quote(capsys: pytest.CaptureFixture[str]) -> None:
    proposed = suggested(capsys, SHIPPED_CHAPTER)["quotes"]
    for passage in proposed:
        for sentence in NARRATOR:
            assert not inside(passage["text"], sentence), (sentence, passage["text"][:60])
    # Scare quotes ("lefts", "left" allies) are words held at arm's length, not quotes.
    assert not any(p["text"].strip("“”") in ("lefts", "left", "democratic") for p in proposed)


def test_the_drafts_and_terms_validate_pasted_into_a_scratch_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_shipped(tmp_path)
    chapter_file = folder / "chapters" / "15.yaml"
    data = suggested(capsys, chapter_file)
    drafts, terms = data["quiz"], data["glossary"]
    assert len(drafts) >= 20
    assert all(d["id"].startswith("draft-15-") for d in drafts)
    assert all(d["question"].startswith("DRAFT: ") for d in drafts)
    assert {d["kind"] for d in drafts} == {"text", "choice"}
    year = next(d for d in drafts if d["answer"] == "1926")
    assert year["citation"].startswith("Zinoviev and Kamenev, with their supporters")
    assert (
        "joined forces with Trotsky and the Opposition in _____ in a struggle" in year["question"]
    )

    def paste(chapter: dict[str, Any]) -> None:
        known = {t["term"].casefold() for t in chapter["glossary"]}
        assert terms and not any(t["term"].casefold() in known for t in terms)
        chapter["quiz"] += drafts
        chapter["glossary"] += terms

    edit_chapter(chapter_file, paste)
    checked = run(capsys, "validate", folder.parent)
    assert checked.code == 0, checked.err
    assert f"{14} quotes, {38 + len(drafts)} quiz items: OK" in checked.out


def test_the_suggested_quotes_validate_pasted_into_a_chapter_without_quotes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_shipped(tmp_path)
    chapter_file = folder / "chapters" / "15.yaml"
    quotes = suggested(capsys, chapter_file)["quotes"]
    edit_chapter(chapter_file, lambda chapter: chapter.update(quotes=quotes))
    checked = run(capsys, "validate", "--strict", folder.parent)
    assert checked.code == 0, checked.err


def test_a_chapter_without_a_source_text_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_shipped(tmp_path)
    chapter_file = replace_in_chapter(folder, "source_text: texts/", "# source_text: texts/")
    refused = run(capsys, "pack", "suggest", chapter_file)
    assert refused.code == 2
    assert "the chapter has no source_text" in refused.err


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("missing", "file not found"),
        ("empty", "is empty"),
        ("binary", "binary file"),
    ],
)
def test_a_missing_empty_or_binary_source_text_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, said: str
) -> None:
    folder = copy_shipped(tmp_path)
    text = folder / "texts" / SHIPPED_TEXT.name
    if change == "missing":
        text.unlink()
    else:
        text.write_bytes(b"" if change == "empty" else b"\x00\x01binary")
    refused = run(capsys, "pack", "suggest", folder / "chapters" / "15.yaml")
    assert refused.code == 2
    assert "source_text" in refused.err and said in refused.err
    assert refused.out == ""


def test_a_chapter_file_that_does_not_load_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "1.yaml"
    broken.write_text("number: 1\ntitle: Chapter 1: The Start\n", encoding="utf-8")
    refused = run(capsys, "pack", "suggest", broken)
    assert refused.code == 2 and "unquoted `: `" in refused.err
    missing = run(capsys, "pack", "suggest", tmp_path / "nope.yaml")
    assert missing.code == 2 and "file not found" in missing.err
