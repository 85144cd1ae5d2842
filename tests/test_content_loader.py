"""The content loader and validator as units: YAML reading with lines, the schema's
messages, the checks across files and the matching of quotes against a source text."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from bot.content.library import ContentStore, load_checked
from bot.content.model import QuizItem
from bot.content.packs import read_pack
from bot.content.passages import closest_passage, contains, normalise
from bot.yamlfiles.document import ProblemsError, parse_yaml
from tests.harness import SHIPPED_CONTENT

BOOK = 'id: tiny\ntitle: "Tiny"\nauthor: "A"\nlanguage: en\nsource: "tests"\n'
CHAPTER = 'number: {n}\ntitle: "Chapter {n}"\nsummary: "S."\nkey_points: ["P."]\n'


def make_pack(root: Path, chapters: dict[str, str], files: dict[str, str] | None = None) -> Path:
    (root / "chapters").mkdir(parents=True)
    (root / "book.yaml").write_text(BOOK, encoding="utf-8")
    for name, text in chapters.items():
        (root / "chapters" / name).write_text(text, encoding="utf-8")
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> str:
    with pytest.raises(ProblemsError) as info:
        load_checked(root)
    return str(info.value)


def test_shipped_pack_loads_into_the_models() -> None:
    library = load_checked(SHIPPED_CONTENT)
    book = library.book()
    assert book.meta.id == "united-opposition"
    assert book.numbers == [15]
    item = next(i for i in book.chapters[0].quiz if i.kind == "truefalse")
    assert item.options == ("True", "False") and item.correct_index in (0, 1)


def test_parse_yaml_remembers_the_line_of_every_node() -> None:
    doc = parse_yaml("a: 1\nb:\n  - x\n  - c: 2\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.line_of(("b", 1, "c")) == 4
    assert doc.line_of(("b", 1, "missing")) == 4  # a missing field points at its parent
    assert doc.written[("a",)] == "1"


def test_quoted_scalars_stay_text() -> None:
    doc = parse_yaml('a: "3:16"\nb: "yes"\nc: "012"\n', "f.yaml")
    assert doc.data == {"a": "3:16", "b": "yes", "c": "012"}
    assert doc.written == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "file is empty"),
        ("# only a comment\n", "file is empty"),
        ("a: &x 1\nb: *x\n", "anchors and aliases"),
        ("a: [1, 2\n", "YAML syntax error"),
        ("---\na: 1\n---\nb: 2\n", "YAML syntax error"),
        ("a: 1\na: 2\n", "key 'a' appears twice"),
        ("? [1, 2]\n: x\n", "keys must be text"),
        ("a: !!python/object:os.system x\n", "could not determine a constructor"),
    ],
)
def test_parse_yaml_refuses_with_one_clear_problem(text: str, expected: str) -> None:
    with pytest.raises(ProblemsError) as info:
        parse_yaml(text, "f.yaml")
    assert expected in str(info.value) and "f.yaml" in str(info.value)


def test_a_rule_of_a_quiz_item_points_at_the_field_it_is_about(tmp_path: Path) -> None:
    chapter = CHAPTER.format(n=1) + (
        "quiz:\n"
        "  - id: q\n"
        "    kind: choice\n"
        "    question: Q?\n"
        '    choices: ["A", "B"]\n'
        '    answer: "C"\n'
        "    explanation: E.\n"
        "    citation: C.\n"
    )
    shown = problems(make_pack(tmp_path, {"1.yaml": chapter}))
    assert "1.yaml:10: quiz[0].answer: the answer 'C' is not among the choices" in shown


def test_a_union_error_is_one_message_without_internal_names(tmp_path: Path) -> None:
    chapter = CHAPTER.format(n=1) + (
        "quiz:\n  - id: q\n    kind: text\n    question: Q?\n    answer: []\n"
        "    explanation: E.\n    citation: C.\n"
    )
    shown = problems(make_pack(tmp_path, {"1.yaml": chapter}))
    assert "quiz[0].answer: expected text or true/false, got a list" in shown
    assert "constrained-str" not in shown and "bool" not in shown
    assert shown.count("\n") == 0  # exactly one problem


def test_every_file_is_checked_even_when_another_is_broken(tmp_path: Path) -> None:
    """A schema problem in one chapter does not hide a misquote or a duplicate id in another."""
    source = "The masses lacked faith that the situation could be changed.\n"
    quote = '  - id: q1\n    text: "{t}"\n    source: {{author: A, work: W}}\n'
    broken = CHAPTER.format(n=1).replace('"Chapter 1"', "yes") + "source_text: texts/s.txt\n"
    broken += "quotes:\n" + quote.format(t="The masses lacked hope")
    other = CHAPTER.format(n=2) + "quotes:\n" + quote.format(t="The masses lacked faith")
    root = make_pack(tmp_path, {"1.yaml": broken, "2.yaml": other}, {"texts/s.txt": source})
    shown = problems(root)
    assert "1.yaml:2: title: expected text, got true" in shown
    assert "1.yaml:8: quotes[0].text: quote 'q1' is not found word for word in texts/s.txt" in shown
    assert "2.yaml:6: quotes[0].id: quote id 'q1' is used twice (first at " in shown


def test_glossary_terms_and_aliases_name_one_entry_in_the_book(tmp_path: Path) -> None:
    glossary = (
        "glossary:\n  - term: TUC\n    definition: D.\n"
        "  - term: Trades Union Congress\n    definition: D.\n"
    )
    other = "glossary:\n  - term: X\n    aliases: [tuc]\n    definition: D.\n"
    root = make_pack(
        tmp_path, {"1.yaml": CHAPTER.format(n=1) + glossary, "2.yaml": CHAPTER.format(n=2) + other}
    )
    assert "2.yaml:7: glossary[0].aliases[0]: the glossary already has 'tuc'" in problems(root)


def test_a_source_text_outside_the_book_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("x")
    chapter = CHAPTER.format(n=1) + "source_text: ../secret.txt\n"
    shown = problems(make_pack(tmp_path / "book", {"1.yaml": chapter}))
    assert "source_text names a file inside the book folder" in shown


def test_decks_load_and_their_ids_are_checked(tmp_path: Path) -> None:
    deck = (
        "id: extra\ntitle: Extra\nquiz:\n"
        "  - id: d1\n    kind: truefalse\n    question: Q?\n    answer: true\n"
        "    explanation: E.\n    citation: C.\n"
    )
    root = make_pack(tmp_path, {"1.yaml": CHAPTER.format(n=1)}, {"decks/a.yaml": deck})
    book = load_checked(root).book()
    assert book.deck("extra") is not None and book.deck("extra").quiz[0].answer is True
    (root / "decks" / "b.yaml").write_text(deck)
    assert "deck id 'extra' is used twice" in problems(root)


def test_read_pack_keeps_what_loaded_next_to_what_did_not(tmp_path: Path) -> None:
    root = make_pack(tmp_path, {"1.yaml": CHAPTER.format(n=1), "2.yaml": "number: two\n"})
    pack = read_pack(root)
    [book] = pack.books
    assert [c.model is not None for c in book.chapters] == [True, False]
    assert book.book() is None
    assert any("expected a whole number, got the text 'two'" in str(p) for p in pack.problems)


def test_the_shipped_pack_in_a_copy_can_be_broken_and_fixed(tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, copy)
    store = ContentStore.load(copy)
    path = copy / "united-opposition" / "chapters" / "15.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("We are not permitted to speak.", "We may not speak."))
    found = store.reload()
    assert any("serge-not-permitted-to-speak" in p.message for p in found)
    path.write_text(good, encoding="utf-8")
    assert store.reload() == []


def test_quiz_item_rules_in_the_model() -> None:
    base = {"id": "q", "question": "Q?", "explanation": "E.", "citation": "C."}
    item = QuizItem.model_validate({**base, "kind": "choice", "choices": ["A", "B"], "answer": "B"})
    assert item.correct_index == 1
    with pytest.raises(ValueError, match="accept: is only for text questions"):
        QuizItem.model_validate({**base, "kind": "truefalse", "answer": True, "accept": ["x"]})
    with pytest.raises(ValueError, match="2 to 10 choices"):
        QuizItem.model_validate({**base, "kind": "choice", "choices": ["A"], "answer": "A"})


@pytest.mark.parametrize(
    ("source", "quote"),
    [
        ("He said: “We are not permitted to speak.”", "We are not permitted to speak."),
        ("Stalin\u2019s policy", "Stalin's policy"),
        ("the masses …  were\n  advancing", "the masses ... were advancing"),
        ("interests… in the struggle", "interests ... in the struggle"),
        ("nearer…\n\nI was obliged", "I was obliged"),
    ],
)
def test_quotes_match_with_typography_and_whitespace_normalised(source: str, quote: str) -> None:
    assert contains(normalise(source), quote)


@pytest.mark.parametrize(
    ("source", "quote"),
    [
        ("We are not permitted to speak.", "We are not allowed to speak."),
        ("We are not permitted to speak.", "we are not permitted to speak."),
        ("We are not permitted to speak.", "permitted to spea"),
        ("We are not permitted to speak.", "   "),
    ],
)
def test_quotes_that_differ_do_not_match(source: str, quote: str) -> None:
    assert not contains(normalise(source), quote)


def test_closest_passage_comes_from_the_original_text_with_the_first_difference() -> None:
    text = "First. Then “the Chinese masses … were advancing from victory to victory.” End."
    closest = closest_passage(
        text, normalise(text), "the Chinese masses were advancing from victory"
    )
    assert closest is not None
    assert "the Chinese masses … were advancing from victory" in closest.passage
    assert closest.score > 80
    assert "'...'" in closest.difference


def test_values_yaml_cannot_construct_are_problems_not_crashes() -> None:
    with pytest.raises(ProblemsError) as info:
        parse_yaml("a: !!timestamp soon\nb: !!int x\n", "f.yaml")
    shown = str(info.value)
    assert "f.yaml:1: a: YAML cannot read 'soon' as timestamp" in shown
    assert "f.yaml:2: b: YAML cannot read 'x' as int" in shown


def test_a_field_name_that_looks_like_pydantic_internals_is_still_named(tmp_path: Path) -> None:
    chapter = CHAPTER.format(n=1) + "sou[rce: x\nbool: y\n"
    shown = problems(make_pack(tmp_path, {"1.yaml": chapter}))
    assert "1.yaml:5: sou[rce: unknown field" in shown
    assert "1.yaml:6: bool: unknown field" in shown


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01binary", "source_text: this is a binary file, not text"),
        ("caf\u00e9".encode("latin-1"), "source_text: not valid UTF-8 text"),
        (b"  \n\n ", "source_text: source text"),
    ],
)
def test_a_source_text_that_cannot_be_read_is_a_problem(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    chapter = CHAPTER.format(n=1) + "source_text: texts/s.txt\n"
    root = make_pack(tmp_path, {"1.yaml": chapter})
    (root / "texts").mkdir()
    (root / "texts" / "s.txt").write_bytes(content)
    assert expected in problems(root)


MUTATIONS = [b": ", b"- ", b"\n", b"  ", b"&a ", b"*a", b"[", b"]", b"{", b"}", b'"', b"'",
             b"\x00", b"\xff", b"yes", b"3:16", b"? ", b"|", b"---\n", b"\t", b"!!int ",
             b"!!timestamp ", b"<<: ", b"\xe2\x80", b"\r", b"%YAML 1.1\n"]  # fmt: skip


def test_randomly_damaged_chapters_give_problems_never_a_crash(tmp_path: Path) -> None:
    """A seeded fuzz of the shipped chapter: whatever the bytes, a ProblemsError or a pack."""
    rng = random.Random(2026)
    book = tmp_path / "book"
    shutil.copytree(SHIPPED_CONTENT / "united-opposition", book)
    path = book / "chapters" / "15.yaml"
    good = path.read_bytes()
    for _ in range(60):
        data = bytearray(good)
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[at:at] = rng.choice(MUTATIONS)
            else:
                del data[at : at + rng.randint(1, 40)]
        path.write_bytes(bytes(data))
        try:
            load_checked(book)
        except ProblemsError as exc:
            found = exc.problems
        else:
            found = []
        assert all(p.message and p.file for p in found)


@pytest.mark.parametrize(
    ("other_problem", "expected"),
    [
        ("    hint: x\n", "quiz[0].hint: unknown field"),
        ("", "quiz[0].explanation: required field is missing"),
        ('    question: ""\n', "quiz[0].question: must not be empty"),
    ],
)
def test_a_quiz_items_rules_are_checked_even_when_it_has_other_problems(
    tmp_path: Path, other_problem: str, expected: str
) -> None:
    """The model stops at a field problem before its rules run; validate still reports the
    answer that is not among the choices, once, in the same run."""
    item = (
        "  - id: q\n    kind: choice\n"
        + ("" if "question" in other_problem else "    question: Q?\n")
        + '    choices: ["A", "B"]\n    answer: "C"\n'
        + ("" if "explanation" in expected else "    explanation: E.\n")
        + "    citation: C.\n"
        + other_problem
    )
    shown = problems(make_pack(tmp_path, {"1.yaml": CHAPTER.format(n=1) + "quiz:\n" + item}))
    assert expected in shown
    assert shown.count("quiz[0].answer: the answer 'C' is not among the choices") == 1


def test_a_quiz_rule_is_reported_once_in_decks_and_when_only_the_rule_fails(
    tmp_path: Path,
) -> None:
    item = (
        '  - id: {id}\n    kind: truefalse\n    question: Q?\n    answer: "true"\n'
        "    explanation: E.\n    citation: C.\n{extra}"
    )
    chapter = CHAPTER.format(n=1) + "quiz:\n" + item.format(id="a", extra="")
    deck = "id: d\ntitle: D\nquiz:\n" + item.format(id="b", extra="    hint: x\n")
    root = make_pack(tmp_path, {"1.yaml": chapter}, {"decks/d.yaml": deck})
    shown = problems(root)
    rule = "the answer of a true/false question is true or false without quotes"
    assert shown.count(rule) == 2
    assert f"1.yaml:9: quiz[0].answer: {rule}" in shown
    assert f"d.yaml:7: quiz[0].answer: {rule}" in shown
    assert "d.yaml:10: quiz[0].hint: unknown field" in shown
