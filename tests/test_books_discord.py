"""The book commands on Discord: `book` is both a command and a group there, so it is
`/book show` beside `/book list` and `/book use`; book ids autocomplete."""

from __future__ import annotations

from pathlib import Path

from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import FakeDiscord
from tests.library_support import BAKERS, OPPOSITION, make_library


async def test_book_show_list_and_use_as_slash_commands(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    library = make_library(tmp_path / "library")
    async with discord_bot(tmp_path, fake_discord, content=str(library), book=OPPOSITION):
        shown = await fake_discord.slash("alice", "book", "show")
        assert "No book has been chosen for this group" in shown.text()
        listed = await fake_discord.slash("alice", "book", "list")
        assert "bakers-cooperative: The Bakers' Cooperative of Saint-Ouen" in listed.text()
        refused = await fake_discord.slash("alice", "book", "use", book=BAKERS)
        assert refused.ephemeral() and "Only moderators can use /book use." in refused.text()
        offered = await fake_discord.autocomplete("mod", "book", "use", "book", book="bak")
        assert [c["value"] for c in offered.callback().body["data"]["choices"]] == [BAKERS]
        chosen = await fake_discord.slash("mod", "book", "use", book=BAKERS)
        assert "This group now reads The Bakers' Cooperative" in chosen.text()
        assert "Saint-Ouen" in (await fake_discord.slash("alice", "summary")).text()
        helped = await fake_discord.slash("alice", "help")
        await fake_discord.wait_for(lambda: "/book show - The book" in helped.text())
        assert "/book is /book show" not in helped.text()  # one name on every platform
