"""`python -m bot validate`: the shipped content passes; each broken pack under
tests/broken_packs fails with exit 2 and a clear message naming the file, the line and
what was expected, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content.library import load_checked
from bot.content.passages import contains, normalise
from tests.harness import ROOT, SHIPPED_CONTENT

BROKEN = ROOT / "tests" / "broken_packs"

# pack name -> what the report must say (each string must appear in it)
EXPECTED: dict[str, list[str]] = {
    "syntax-error": ["syntax-error/chapters/1.yaml:4:", "YAML syntax error", "line 1"],
    "unknown-field": [
        "unknown-field/chapters/1.yaml:6: sumary: unknown field (did you mean 'summary'?)"
    ],
    "missing-field": ["missing-field/chapters/1.yaml:1: summary: required field is missing"],
    "coercion-colon": [
        "coercion-colon/chapters/1.yaml:2: title: expected text, got the number 196",
        'YAML reads unquoted 3:16 as a number; write it in quotes: "3:16"',
    ],
    "coercion-yes": [
        "coercion-yes/chapters/1.yaml:10: quiz[0].choices[0]: expected text, got true",
        'YAML reads unquoted yes as true/false; write it in quotes: "yes"',
        'YAML reads unquoted no as true/false; write it in quotes: "no"',
    ],
    "coercion-decimal": [
        "coercion-decimal/chapters/1.yaml:7: discussion[0]: expected text, got the number 1.1",
        'write it in quotes: "1.10"',
    ],
    "coercion-octal": [
        "coercion-octal/chapters/1.yaml:10: quiz[0].answer: expected text or true/false, got the number 10",
        'YAML reads unquoted 012 as a number; write it in quotes: "012"',
    ],
    "duplicate-quote-ids": [
        "duplicate-quote-ids/chapters/1.yaml:10: quotes[1].id: quote id 'speak' is used twice (first at line 7)"
    ],
    "answer-not-among-choices": [
        "answer-not-among-choices/chapters/1.yaml:11: quiz[0].answer: the answer 'Eleven' is not among the choices ('Three'; 'Ten'; 'Thirty')"
    ],
    "empty-text": ["empty-text/chapters/1.yaml:3: summary: must not be empty"],
    "quote-not-in-source": [
        "quote-not-in-source/chapters/1.yaml:9: quotes[0].text: quote 'speak' is not found word for word in texts/source.txt",
        "closest passage",
        "We are not permitted to speak",
        "first difference: 'allowed' where the source has 'permitted'",
    ],
    "citation-not-in-source": [
        "citation-not-in-source/chapters/1.yaml:13: quiz[0].citation: citation of quiz item 'days' is not found word for word",
        '"The strike was called off after ten days."',
    ],
    "source-text-missing": [
        "source-text-missing/chapters/1.yaml:6: source_text: file not found",
        "texts/missing.txt",
    ],
    "binary-file": ["binary-file/chapters/1.yaml: this is a binary file, not YAML text"],
    "not-utf8": ["not-utf8/chapters/1.yaml:3: not valid UTF-8 text", "save the file as UTF-8"],
    "alias-bomb": [
        "alias-bomb/chapters/1.yaml:5: YAML anchors and aliases (& and *) are not allowed"
    ],
    "empty-file": ["empty-file/chapters/1.yaml: file is empty"],
    "truefalse-text-answer": [
        "truefalse-text-answer/chapters/1.yaml:10: quiz[0].answer: the answer of a true/false question is true or false without quotes, got the text 'true'"
    ],
    "list-not-mapping": [
        "list-not-mapping/chapters/1.yaml:1: expected a mapping of fields, got a list"
    ],
    "no-chapters-folder": ["no-chapters-folder/chapters: chapters folder not found"],
    "empty-chapters-folder": ["empty-chapters-folder/chapters: no chapter files"],
    "yml-extension": [
        "yml-extension/chapters/1.yml: only .yaml files are read: rename it to 1.yaml"
    ],
    "deep-nesting": ["deep-nesting/chapters/1.yaml:6: nested more than 32 levels deep"],
    "unknown-tag": [
        "unknown-tag/chapters/1.yaml:2: title: YAML: could not determine a constructor for the tag '!shout'"
    ],
    "duplicate-key": ["duplicate-key/chapters/1.yaml:6: key 'title' appears twice"],
    "control-character": [
        "control-character/chapters/1.yaml:3: the character U+0007 is not allowed in YAML text"
    ],
    "bad-id": [
        "bad-id/chapters/1.yaml:7: quotes[0].id: an id is lowercase letters, digits and hyphens",
        "got the text 'Serge Quote'",
    ],
    "quote-without-source": [
        "quote-without-source/chapters/1.yaml:9: quotes[0].source: expected a mapping of fields, got the text 'Victor Serge'"
    ],
    "book-meta-broken": [
        "book-meta-broken/book.yaml:2: title: expected text, got true",
        'write it in quotes: "yes"',
        "book-meta-broken/book.yaml:1: source: required field is missing",
    ],
    "many-problems": [
        "many-problems/book.yaml:6: publisher: unknown field",
        "many-problems/chapters/1.yaml:2: title: expected text, got the number 196",
        "many-problems/chapters/2.yaml:1: number: chapter number 1 is used twice",
        "many-problems/chapters/2.yaml:9: quotes[0].text: quote 'light' is not found word for word",
        "first difference: 'West.' where the source has 'East.'",
    ],
}


def validate(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_every_broken_pack_has_an_expectation() -> None:
    """No pack under tests/broken_packs goes untested, and no expectation lacks its pack."""
    assert sorted(p.name for p in BROKEN.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_pack_is_refused_with_a_clear_message(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = validate(BROKEN / name, capsys)
    assert code == 2, shown
    for expected in EXPECTED[name]:
        assert expected in shown, f"{expected!r} not in:\n{shown}"
    assert "Traceback" not in shown
    assert "problem(s) found" in shown


def test_missing_folder_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, shown = validate(BROKEN / "no-such-pack", capsys)
    assert code == 2
    assert "no-such-pack: content folder not found" in shown


def test_a_file_instead_of_a_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "content.yaml"
    path.write_text("id: x\n")
    code, shown = validate(path, capsys)
    assert code == 2 and "expected a content folder, found a file" in shown


def test_one_run_reports_every_problem_of_every_pack_without_traceback() -> None:
    """The real command line over all broken packs at once: every expected message, exit 2."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(BROKEN)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for name, expectations in EXPECTED.items():
        for expected in expectations:
            assert expected in result.stderr, f"{name}: {expected!r} missing"


def test_the_shipped_content_validates_with_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, shown = validate(SHIPPED_CONTENT, capsys)
    assert code == 0, shown
    assert "united-opposition: 1 chapter(s)" in shown and "OK" in shown


REQUIRED_TERMS = [
    "TUC",
    "General Council",
    "Kuomintang",
    "Comintern",
    "ECCI",
    "kulak",
    "Menshevik",
    "Left Opposition",
    "United Opposition",
    "soviet",
    "national-reformism",
    "socialism in one country",
    "bureaucracy",
    "Canton insurrection",
    "Chiang Kai-shek",
    "Bukharin",
    "Zinoviev",
    "Kamenev",
    "Trotsky",
    "Serge",
    "general strike",
    "ultra-left",
]

WORKS = {
    ("Victor Serge", "From Lenin to Stalin"),
    ("Leon Trotsky", "My Life"),
    ("Leon Trotsky", "The Revolution Betrayed"),
    ("Executive Committee of the Communist International (ECCI)", "Resolution, March 1926"),
}


def test_the_first_pack_holds_what_the_issue_asks_for() -> None:
    book = load_checked(SHIPPED_CONTENT).book("united-opposition")
    chapter = book.chapter(15)
    assert chapter is not None and chapter.source_text
    assert len(chapter.quotes) >= 12
    assert len(chapter.quiz) >= 24
    assert {item.kind for item in chapter.quiz} == {"choice", "truefalse", "text"}
    assert all(item.accept for item in chapter.quiz if item.kind == "text")
    assert len(chapter.discussion) >= 8
    names = {t.term for t in chapter.glossary} | {a for t in chapter.glossary for a in t.aliases}
    assert [t for t in REQUIRED_TERMS if t not in names] == []
    assert "Trades Union Congress" in names and "Communist International" in names
    assert {(q.source.author, q.source.work) for q in chapter.quotes} == WORKS
    assert "Sixteen" in (book.meta.notes or "")
    assert len(chapter.key_points) >= 8


# Where the source text quotes each work: its own lines, or the part between quote marks
# of a line the narrator shares. Everything else is the narrator's prose.
CITED = {
    "From Lenin to Stalin": [13, (25, "“", "”"), 27],
    "Resolution, March 1926": [(19, "“", "”")],
    "My Life": [(37, "“", "”"), 39, 41, 43, 45],
    "The Revolution Betrayed": [51],
}


def test_each_quote_comes_from_a_passage_of_the_work_it_is_attributed_to() -> None:
    """No narrator's prose is attributed to Serge, Trotsky or the ECCI."""
    chapter = load_checked(SHIPPED_CONTENT).book().chapters[0]
    path = SHIPPED_CONTENT / "united-opposition" / "texts" / "united-opposition-1926-27.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    passages: dict[str, list[str]] = {}
    for work, places in CITED.items():
        for place in places:
            if isinstance(place, int):
                passages.setdefault(work, []).append(lines[place - 1])
            else:
                number, opening, closing = place
                line = lines[number - 1]
                start = line.index(opening) + 1
                passages.setdefault(work, []).append(line[start : line.index(closing, start)])
    for quote in chapter.quotes:
        found = [p for p in passages[quote.source.work] if contains(normalise(p), quote.text)]
        assert found, f"{quote.id} is not in a passage of {quote.source.work}"


def test_the_readme_examples_make_a_valid_pack(tmp_path: Path) -> None:
    """The chapter and quiz examples of "Writing a content pack" pass validate as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Writing a content pack", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```yaml\n")[1:]]
    chapter, quiz = blocks[0], blocks[1]
    book = tmp_path / "book"
    shutil.copytree(SHIPPED_CONTENT / "united-opposition", book)
    (book / "chapters" / "15.yaml").write_text(chapter + quiz, encoding="utf-8")
    assert main(["validate", str(book)]) == 0


def test_a_named_pipe_among_the_chapters_is_refused_without_hanging(tmp_path: Path) -> None:
    """A FIFO named chapters/15.yaml would block a reader forever; validate refuses it as
    not a regular file and still checks the other files, while a config given explicitly as
    a pipe (`--config <(...)`) is still read."""
    pack = tmp_path / "pack"
    shutil.copytree(SHIPPED_CONTENT / "united-opposition", pack)
    os.mkfifo(pack / "chapters" / "16.yaml")
    (pack / "texts" / "extra.txt").unlink(missing_ok=True)
    os.mkfifo(pack / "texts" / "extra.txt")
    chapter = pack / "chapters" / "15.yaml"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace(
            "source_text:", "source_text: texts/extra.txt\n#"
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(pack), "--config", "/dev/stdin"],
        input="timezone: Europe/London\nlog_level: LOUD\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{pack}/chapters/16.yaml: not a regular file" in result.stderr
    assert "source_text: not a regular file" in result.stderr
    assert "log_level" in result.stderr  # the piped config was read and checked
