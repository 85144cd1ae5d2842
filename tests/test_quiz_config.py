"""The quiz section of the config: defaults above their limits are refused at load time."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from bot.yamlfiles.document import ProblemsError


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            "quiz:\n  default_questions: 50\n",
            ":2: quiz.default_questions: default_questions (50) is more than max_questions (20)",
        ),
        (
            "quiz:\n  max_seconds: 600\n  default_seconds: 3000\n",
            ":3: quiz.default_seconds: default_seconds (3000) is more than max_seconds (600)",
        ),
    ],
)
def test_a_default_above_its_limit_is_refused_naming_the_key(
    tmp_path: Path, section: str, message: str
) -> None:
    """Such a config would refuse every `quiz start`; it is refused when loaded instead."""
    path = tmp_path / "config.yaml"
    path.write_text(section)
    with pytest.raises(ProblemsError) as caught:
        load_config(path)
    assert message in str(caught.value)


def test_defaults_within_their_limits_load(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("quiz:\n  default_questions: 20\n  default_seconds: 600\n")
    quiz = load_config(path).quiz
    assert (quiz.default_questions, quiz.default_seconds) == (20, 600)
