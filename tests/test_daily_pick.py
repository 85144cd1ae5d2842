"""Choosing a daily quote by position in the round's sorted pool draws exactly what the
sorting pick_quote draws for the same seed: the same quote, the same new cycle, the last
quote left out of a new cycle, quotes gone from the pool ignored."""

from __future__ import annotations

import random

from bot.content.model import Chapter, Quote
from bot.features.daily.quotes import Pool, Unseen
from bot.features.daily.schedule import pick_quote


def pool_of_ids(ids: list[str]) -> Pool:
    chapter = Chapter.__new__(Chapter)  # the pool only keeps it beside the quote
    quote = Quote.__new__(Quote)
    return Pool({i: (chapter, quote) for i in ids})


def test_the_pool_draws_what_pick_quote_draws_for_the_same_seed() -> None:
    cases = random.Random(15)
    for _ in range(2000):
        pool = pool_of_ids([f"q{cases.randint(0, 300):03d}" for _ in range(cases.randint(1, 60))])
        seen = set(cases.sample(pool.ids, cases.randint(0, len(pool.ids))))
        if cases.random() < 0.3:
            seen.add("gone-from-the-pool")
        last = cases.choice([*pool.ids, "gone", None])
        seed = cases.random()
        expected = pick_quote(pool.ids, frozenset(seen), last, random.Random(seed))
        assert pool.pick(frozenset(seen), last, random.Random(seed)) == expected


def test_a_pool_of_one_seen_quote_starts_again_with_it_and_an_empty_pool_gives_none() -> None:
    pool = pool_of_ids(["only"])
    assert pool.pick(frozenset({"only"}), "only", random.Random(1)) == ("only", frozenset({"only"}))
    assert pool_of_ids([]).pick(frozenset(), None, random.Random(1)) is None


def test_unseen_is_the_ids_less_the_skipped_positions() -> None:
    ids = ["a", "b", "c", "d", "e", "f"]
    for skipped in ([], [0], [5], [1, 2], [0, 2, 4], [0, 1, 2, 3, 4]):
        expected = [q for i, q in enumerate(ids) if i not in skipped]
        unseen = Unseen(ids, skipped)
        assert list(unseen) == expected
        assert len(unseen) == len(expected)
