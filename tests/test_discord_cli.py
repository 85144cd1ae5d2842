"""`python -m bot discord sync` and the Discord token check of `python -m bot run`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import cmd_discord_sync, main
from tests.discord_fake.server import APP_ID, FakeDiscord
from tests.harness import make_config


async def test_discord_sync_uploads_to_the_guild_given(
    tmp_path: Path, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync subcommand logs in over REST only and overwrites the guild's commands."""
    monkeypatch.setenv("DISCORD_TOKEN", "fake-token")
    config = make_config(tmp_path, adapters=["discord"])
    assert await cmd_discord_sync(config, 1000) == 0
    (put,) = fake_discord.find("PUT", rf"/applications/{APP_ID}/guilds/1000/commands")
    assert any(c["name"] == "summary" for c in put.body)
    assert not fake_discord.identifies  # no gateway connection for a sync


def test_run_without_token_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run` with the discord adapter and no DISCORD_TOKEN exits 2 and names the variable."""
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    config = tmp_path / "config.yaml"
    config.write_text(f"adapters: [discord]\ndatabase: {tmp_path / 'db.sqlite3'}\n")
    assert main(["run", "--config", str(config)]) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().err
