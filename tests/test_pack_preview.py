"""`pack preview`: a chapter as the bot shows it (summary and key points, quotes, each quiz
item and its reveal, discussion), on the console, as Discord message JSON or as Matrix
HTML, with no config and no database; a file that does not load exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.content.packs import load_chapter
from tests.pack_cli import SHIPPED_CHAPTER, run


def test_the_console_preview_shows_every_part_of_the_chapter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shown = run(capsys, "pack", "preview", SHIPPED_CHAPTER)
    assert shown.code == 0, shown.err
    chapter = load_chapter(SHIPPED_CHAPTER)
    out = shown.out
    assert out.startswith("== Chapter 15: The United Opposition, 1926-27 ==\n")
    assert "Key points:\n1. In 1926 Zinoviev and Kamenev" in out
    assert out.count("— Victor Serge, From Lenin to Stalin") == 3
    assert out.count(" of 38 (chapter 15) ==") == 38
    assert out.count(" of 38: the answer ==") == 38
    strike = chapter.quiz[next(i for i, q in enumerate(chapter.quiz) if q.id == "strike-when")]
    assert f"{strike.question}\nAnswer: B) May 1926" in out
    assert "From the text: “In Britain, the general strike of May 1926" in out
    assert out.count("== For discussion (chapter 15) ==") == len(chapter.discussion)


def test_the_discord_preview_is_the_message_json(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run(capsys, "pack", "preview", SHIPPED_CHAPTER, "--as", "discord")
    assert shown.code == 0, shown.err
    messages = json.loads(shown.out)
    assert messages[0]["embeds"][0]["title"] == "Chapter 15: The United Opposition, 1926-27"
    question = next(
        m
        for m in messages
        if m.get("embeds") and m["embeds"][0].get("title") == "Question 1 of 38 (chapter 15)"
    )
    assert question["buttons"][0] == "A: Zinoviev and Kamenev"
    assert "**A**  Zinoviev and Kamenev" in question["embeds"][0]["description"]


def test_the_matrix_preview_is_the_html_body(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run(capsys, "pack", "preview", SHIPPED_CHAPTER, "--as", "matrix")
    assert shown.code == 0, shown.err
    assert shown.out.startswith("<strong>Chapter 15: The United Opposition, 1926-27</strong><br>")
    assert "<em>— Leon Trotsky, My Life; quoted in this book (chapter 15)</em>" in shown.out
    assert "Stalin&#x27;s" in shown.out  # text is escaped


def test_a_chapter_that_does_not_load_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "1.yaml"
    bad.write_text("number: 1\ntitle: One\nsummary: S\n", encoding="utf-8")
    refused = run(capsys, "pack", "preview", bad)
    assert refused.code == 2 and "key_points: required field is missing" in refused.err
    binary = tmp_path / "2.yaml"
    binary.write_bytes(b"\x00\x01")
    refused = run(capsys, "pack", "preview", binary)
    assert refused.code == 2 and "binary file" in refused.err
