"""quote WORDS and glossary TERM find what a member means: whole words of a quote's text
(never its attribution, never part of a word), and a glossary entry by its name, its words
or, said as such, its closest spelling; never a guess presented as the answer."""

from __future__ import annotations

import re

import pytest

from bot.features.reading.search import has_words, words
from tests.harness import ConsoleBot


def quote_text(shown: str) -> str:
    """The quote itself, without the attribution line."""
    match = re.search(r"“(.*)”\n", shown, re.S)
    assert match, shown
    return match[1]


async def quotes_for(console: ConsoleBot, line: str, times: int = 12) -> list[str]:
    return [await console.say(line) for _ in range(times)]


async def test_quote_stalin_returns_only_quotes_whose_text_names_stalin(
    console: ConsoleBot,
) -> None:
    for shown in await quotes_for(console, "/quote Stalin"):
        assert re.search(r"\bStalin\b", quote_text(shown)), shown
        assert "Chiang Kai-shek is preparing" not in shown  # attributed to "From Lenin to Stalin"


async def test_quote_rest_matches_the_word_not_interests(console: ConsoleBot) -> None:
    for shown in await quotes_for(console, "/quote rest"):
        assert re.search(r"\brest\b", quote_text(shown)), shown
    assert "No quote in the book containing 'interest'" in await console.say("/quote interest")


async def test_a_word_of_the_attribution_alone_finds_nothing(console: ConsoleBot) -> None:
    shown = await console.say("/quote betrayed")
    assert "No quote in the book containing 'betrayed'" in shown


async def test_typographic_apostrophes_and_case_are_folded(console: ConsoleBot) -> None:
    for line in ("/quote stalin's", "/quote STALIN\u2019S policy", "/quote \u201cStalin's\u201d"):
        shown = await console.say(line)
        assert "Stalin\u2019s" in quote_text(shown), (line, shown)


async def test_a_number_that_is_no_chapter_is_a_word_to_search(console: ConsoleBot) -> None:
    shown = await console.say("/quote 1923")
    assert "revolution in 1923" in quote_text(shown)
    assert "(chapter 15)" in shown
    shown = await console.say("/quote 1926 strike")
    assert "general strike in 1926" in quote_text(shown)
    assert "No quote in the book containing '1927'" in await console.say("/quote 1927")


async def test_a_chapter_and_words_still_search_that_chapter(console: ConsoleBot) -> None:
    shown = await console.say("/quote 15 Chiang")
    assert "Chiang" in quote_text(shown) and "(chapter 15)" in shown
    assert "No quote in chapter 15 containing 'zzzxqy'" in await console.say("/quote 15 zzzxqy")


def test_whole_words_only() -> None:
    assert not has_words("the interests of the masses", ["rest"])
    assert has_words("the right to rest.", ["rest"])
    assert has_words("Stalin\u2019s policy", words("stalin"))
    assert has_words("Chiang Kai-shek", words("kai-shek chiang"))
    assert not has_words("Stalinist", ["stalin"])


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("/glossary kulak", "== kulak =="),
        ("/glossary KULAK", "== kulak =="),
        ("/glossary Trades Union Congress", "== TUC (also: Trades Union Congress) =="),
        ("/glossary kmt", "== Kuomintang (also:"),
        ("/glossary chiang kai shek", "== Chiang Kai-shek (also:"),
        ("/glossary strike", "== general strike (also:"),
    ],
)
async def test_glossary_exact_term_alias_or_whole_words(
    console: ConsoleBot, line: str, title: str
) -> None:
    shown = await console.say(line)
    assert shown.startswith(title), shown
    assert "Closest match" not in shown


@pytest.mark.parametrize(
    ("line", "title", "note"),
    [
        ("/glossary kulakk", "== Closest match: kulak ==", "no entry is named 'kulakk'"),
        ("/glossary Comintrn", "== Closest match: Comintern (also:", "'Comintrn'"),
        ("/glossary Zinovyev", "== Closest match: Zinoviev (also:", "'Zinovyev'"),
    ],
)
async def test_glossary_fuzzy_match_says_it_is_the_closest(
    console: ConsoleBot, line: str, title: str, note: str
) -> None:
    shown = await console.say(line)
    assert shown.startswith(title), shown
    assert note in shown


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/glossary ka", "No glossary entry for 'ka'. Did you mean: Chiang Kai-shek, Kamenev?"),
        ("/glossary k", "No glossary entry for 'k'. Did you mean: kulak, Kuomintang"),
        ("/glossary st", "No glossary entry for 'st'. Did you mean:"),
        ("/glossary communist", "No glossary entry for 'communist'. Did you mean: "),
        ("/glossary photosynthesis", "No glossary entry for 'photosynthesis'. Type /glossary"),
        ("/glossary peasant", "No glossary entry for 'peasant'."),
    ],
)
async def test_short_queries_and_low_scores_get_no_entry_and_suggestions(
    console: ConsoleBot, line: str, said: str
) -> None:
    shown = await console.say(line)
    assert said in shown, shown
    assert "==" not in shown  # no definition, under any title


async def test_several_entries_sharing_a_word_are_suggested_not_chosen(
    console: ConsoleBot,
) -> None:
    shown = await console.say("/glossary communist")
    assert "Comintern" in shown and "Chinese Communist Party" in shown
