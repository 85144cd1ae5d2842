"""Content and display names cannot ping a whole server or room: neutralise_mentions
defuses @everyone, @here and @room and leaves everything else as it was."""

from __future__ import annotations

import pytest

from bot.core.safety import ZWSP, neutralise_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@everyone read chapter 15", f"@{ZWSP}everyone read chapter 15"),
        ("hey @here!", f"hey @{ZWSP}here!"),
        ("@room: the quiz starts", f"@{ZWSP}room: the quiz starts"),
        ("@Everyone and @HERE", f"@{ZWSP}Everyone and @{ZWSP}HERE"),
        ("x@everyone's", f"x@{ZWSP}everyone's"),
    ],
)
def test_mass_mentions_are_defused(text: str, expected: str) -> None:
    assert neutralise_mentions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no mentions at all",
        "@alice:example.org said so",
        "@roomy is no mass mention (Matrix's room mention is a whole word)",
        "mail me at everyone@example.org",
        "Trotsky, My Life",
    ],
)
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise_mentions(text) == text


def test_neutralising_twice_changes_nothing_more() -> None:
    once = neutralise_mentions("@everyone @here @room")
    assert neutralise_mentions(once) == once
    assert "@everyone" not in once and "@here" not in once and "@room" not in once
