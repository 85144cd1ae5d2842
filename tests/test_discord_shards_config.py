"""Discord shard settings: checked with clear errors; which process syncs the commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DiscordConfig, load_config
from tests.test_config import problems_of


def test_shards_default_to_one_unsharded_process_that_syncs() -> None:
    config = DiscordConfig()
    assert config.shard_count is None and config.shard_ids is None
    assert config.syncs_commands() and config.runs_shard(5)


def test_shard_ids_are_read_and_only_the_process_with_shard_0_syncs(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("discord:\n  shard_count: 4\n  shard_ids: [2, 3]\n")
    config = load_config(path).discord
    assert (config.shard_count, config.shard_ids) == (4, [2, 3])
    assert config.runs_shard(3) and not config.runs_shard(0)
    assert not config.syncs_commands()
    assert DiscordConfig(shard_count=4, shard_ids=[1, 0]).syncs_commands()
    assert DiscordConfig(shard_count=4).syncs_commands()  # a count alone: every shard


def test_shard_ids_without_a_count_are_refused_naming_the_key(tmp_path: Path) -> None:
    shown = problems_of(tmp_path, "discord:\n  shard_ids: [0]\n")
    assert "discord.shard_ids" in shown and "needs shard_count" in shown and ":2" in shown


def test_shard_ids_outside_the_count_are_refused(tmp_path: Path) -> None:
    shown = problems_of(tmp_path, "discord:\n  shard_count: 2\n  shard_ids: [1, 2, -1]\n")
    assert "discord.shard_ids" in shown and "[2, -1] are outside 0..1" in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("discord:\n  shard_count: 0\n", "discord.shard_count"),
        ("discord:\n  shard_count: 2\n  shard_ids: []\n", "name at least one shard"),
        ("discord:\n  shard_count: 2\n  shard_ids: [1, 1]\n", "named twice"),
        ("discord:\n  shard_count: two\n", "discord.shard_count"),
        ("discord:\n  shard_count: 2\n  shard_ids: 1\n", "expected a list"),
    ],
)
def test_bad_shard_settings_are_refused(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in problems_of(tmp_path, text)
