"""import-trivia: Red-DiscordBot trivia lists become quiz items, validated like content."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content.library import load_checked
from tests.harness import ROOT
from tests.quiz_helpers import QUIZ_CONTENT

TRIVIA = ROOT / "tests" / "trivia"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(QUIZ_CONTENT, root)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_valid_list_becomes_a_deck_with_numbers_kept_as_written(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["import-trivia", str(TRIVIA / "capitals.yaml"), "--book", "circle", "--deck", "capitals",
         "--content", str(content)]
    )  # fmt: skip
    assert code == 0
    assert "5 question(s) added" in capsys.readouterr().out
    deck = load_checked(content).book("circle").deck("capitals")
    assert deck is not None and deck.title == "Trivia by Red's test writer"
    by_question = {i.question: i for i in deck.quiz}
    days = by_question["How many days did the British general strike last?"]
    assert days.kind == "text" and days.answer == "9" and days.accept == ["nine"]
    assert by_question["What is 1.10 written as it is?"].answer == "1.10"
    assert by_question["What does the word da mean?"].answer == "yes"
    assert days.explanation == "Accepted answers: 9, nine."
    # An imported item cites no passage: it says where it comes from instead
    assert days.citation is None
    assert days.source == "imported from the trivia list capitals.yaml by Red's test writer"


def test_importing_the_same_list_again_updates_the_deck_without_duplicates(
    content: Path,
) -> None:
    args = ["import-trivia", str(TRIVIA / "capitals.yaml"), "--book", "circle", "--deck", "caps",
            "--content", str(content)]  # fmt: skip
    assert main(args) == 0
    assert main(args) == 0
    deck = load_checked(content).book("circle").deck("caps")
    assert deck is not None and len(deck.quiz) == 5


def test_a_list_appended_to_a_chapter_keeps_the_rest_of_the_file(content: Path) -> None:
    chapter = content / "circle" / "chapters" / "1.yaml"
    chapter.write_text("# hand-written, keep this comment\n" + chapter.read_text())
    args = ["import-trivia", str(TRIVIA / "capitals.yaml"), "--book", "circle", "--chapter", "1",
            "--content", str(content)]  # fmt: skip
    assert main(args) == 0
    text = chapter.read_text()
    assert text.startswith("# hand-written, keep this comment\n")
    assert 'choices: ["Three", "Ten", "Thirty"]' in text
    book = load_checked(content).book("circle")
    one = book.chapter(1)
    assert one is not None and len(one.quiz) == 8
    # The questions are already there: a second import adds nothing
    assert main(args) == 0
    one = load_checked(content).book("circle").chapter(1)
    assert one is not None and len(one.quiz) == 8


def test_a_broken_list_names_each_problem_exits_2_and_writes_nothing(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(content)
    code = main(
        ["import-trivia", str(TRIVIA / "capitals.yaml"), str(TRIVIA / "broken.yaml"),
         str(TRIVIA / "not_a_mapping.yaml"), "--book", "circle", "--chapter", "1",
         "--content", str(content)]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "broken.yaml:2: AUTHOR: expected text" in err
    assert "got a list" in err
    assert "Name a river: expected a list of accepted answers" in err
    assert "the list of accepted answers is empty" in err
    assert "the answer is empty" in err
    assert "not_a_mapping.yaml:1: a trivia list is a mapping" in err
    assert "nothing was written" in err
    assert snapshot(content) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q?: [a]\nQ?: [b]\n", "key 'Q?' appears twice"),
        ("Q?: &x [a]\nR?: *x\n", "anchors and aliases"),
        ("Q?: [a\n", "YAML syntax error"),
        ("AUTHOR: me\n", "the list has no questions"),
        ("CONFIG: 3\nQ?: [a]\n", "CONFIG: expected a mapping"),
    ],
)
def test_yaml_traps_are_refused_clearly(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    before = snapshot(content)
    code = main(["import-trivia", str(bad), "--book", "circle", "--deck", "bad",
                 "--content", str(content)])  # fmt: skip
    assert code == 2
    assert message in capsys.readouterr().err
    assert snapshot(content) == before


def test_wrong_book_chapter_or_deck_name_are_refused(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(TRIVIA / "capitals.yaml")
    before = snapshot(content)
    assert (
        main(["import-trivia", file, "--book", "nope", "--deck", "d", "--content", str(content)])
        == 2
    )
    assert "no book with id 'nope'" in capsys.readouterr().err
    assert (
        main(
            ["import-trivia", file, "--book", "circle", "--chapter", "9", "--content", str(content)]
        )
        == 2
    )
    assert "there is no chapter 9" in capsys.readouterr().err
    assert (
        main(
            [
                "import-trivia",
                file,
                "--book",
                "circle",
                "--deck",
                "Bad Name",
                "--content",
                str(content),
            ]
        )
        == 2
    )
    assert "is not a deck name" in capsys.readouterr().err
    assert snapshot(content) == before


def test_the_command_line_runs_as_a_module(content: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "import-trivia", str(TRIVIA / "capitals.yaml"),
         "--book", "circle", "--deck", "capitals", "--content", str(content)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "capitals.yaml: 5 question(s) added." in result.stdout


async def test_an_imported_deck_can_be_played(content: Path, tmp_path: Path) -> None:
    from bot.core.clock import FakeClock
    from tests.harness import START, console_bot

    args = ["import-trivia", str(TRIVIA / "capitals.yaml"), "--book", "circle", "--deck",
            "capitals", "--content", str(content)]  # fmt: skip
    assert main(args) == 0
    async with console_bot(tmp_path, FakeClock(START), content=str(content)) as bot:
        shown = await bot.say("/quiz start deck capitals questions 5", user="mod", moderator=True)
        assert "started a quiz on deck Trivia by Red's test writer: 5 question(s)" in shown
        answers = {"France": "paris!", "How many days": "nine", "In which year": "1926",
                   "1.10": "1.10", "da mean": "yes"}  # fmt: skip
        for _ in range(5):
            question = next(v for k, v in answers.items() if k in shown.split("==")[-1])
            await bot.say(f"/answer {question}", user="alice")
            shown = await bot.say("/quiz next", user="mod", moderator=True)
        assert "1. alice: 5 points (5 of 5 right)" in shown
        # The reveal shows where an imported item comes from, never a made-up quote
        assert "Source: imported from the trivia list capitals.yaml" in shown
        assert "From the text" not in shown


def test_a_list_imports_into_a_chapter_that_has_a_source_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Imported items cite no passage, so the word-for-word citation check does not refuse
    them; the chapter's hand-written items are still checked."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    args = ["import-trivia", str(TRIVIA / "capitals.yaml"), "--book", "united-opposition",
            "--chapter", "15", "--content", str(content)]  # fmt: skip
    assert main(args) == 0, capsys.readouterr().err
    chapter = load_checked(content).book("united-opposition").chapter(15)
    assert chapter is not None and chapter.source_text
    imported = [i for i in chapter.quiz if i.source]
    assert len(imported) == 5 and all(i.citation is None for i in imported)
    assert all(i.citation for i in chapter.quiz if not i.source)


def test_a_list_with_several_broken_entries_names_them_all(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "several.yaml"
    bad.write_text("1926: [a]\nQ?: []\nR?: x\nS?: [fine]\n")
    before = snapshot(content)
    code = main(["import-trivia", str(bad), "--book", "circle", "--deck", "bad",
                 "--content", str(content)])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: keys must be text, got 1926" in err
    assert f"{bad}:2: Q?: the list of accepted answers is empty" in err
    assert f"{bad}:3: R?: expected a list of accepted answers" in err
    assert "3 problem(s) found" in err
    assert snapshot(content) == before


def test_problems_after_import_name_the_chapter_not_lines_of_an_unwritten_file(
    content: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the content would not load after the import, the file is put back and the
    problems say "after import, chapter 1 would have", with no line numbers of the file
    that was never kept."""
    import bot.content.trivia_import as trivia_import
    from bot.yamlfiles.document import Problem, ProblemsError

    target = content / "circle" / "chapters" / "1.yaml"
    real = trivia_import.load_checked
    calls: list[int] = []

    def failing_after_write(root: Path) -> object:
        calls.append(1)
        if len(calls) == 1:
            return real(root)
        raise ProblemsError([Problem(str(target), 40, "quiz[7].id", "something is wrong")])

    monkeypatch.setattr(trivia_import, "load_checked", failing_after_write)
    before = snapshot(content)
    args = ["import-trivia", str(TRIVIA / "capitals.yaml"), "--book", "circle", "--chapter", "1",
            "--content", str(content)]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "after import, chapter 1 would have: quiz[7].id: something is wrong" in err
    assert ":40" not in err
    assert snapshot(content) == before


def test_a_hand_written_item_still_needs_its_citation(tmp_path: Path) -> None:
    """Only an item that says where it comes from (`source:`) may go without a citation."""
    from bot.yamlfiles.document import ProblemsError

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    chapter = content / "united-opposition" / "chapters" / "15.yaml"
    text = chapter.read_text()
    cited = '    citation: "joined forces with Trotsky and the Opposition in 1926"\n'
    assert cited in text
    chapter.write_text(text.replace(cited, ""))
    with pytest.raises(ProblemsError, match="a quiz item needs a citation") as caught:
        load_checked(content)
    assert "15.yaml" in str(caught.value)
    chapter.write_text(text.replace(cited, '    source: "the circle\'s own notes"\n'))
    book = load_checked(content).book("united-opposition")
    found = [i for c in book.chapters for i in c.quiz if i.id == "bloc-year"]
    assert found and found[0].citation is None and found[0].source == "the circle's own notes"
