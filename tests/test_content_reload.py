"""A moderator's /reload through the console: a broken pack on disk keeps the old content
and says what is wrong; a fixed pack is taken."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.harness import SHIPPED_CONTENT, console_bot


def copy_content(tmp_path: Path) -> tuple[Path, Path]:
    copy = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, copy)
    return copy, copy / "united-opposition" / "chapters" / "15.yaml"


async def test_reload_with_a_broken_pack_keeps_the_old_content_and_says_why(
    tmp_path: Path,
) -> None:
    copy, chapter = copy_content(tmp_path)
    good = chapter.read_text(encoding="utf-8")
    async with console_bot(tmp_path, content=str(copy)) as bot:
        before = await bot.say("/summary 15")
        broken = good.replace('title: "The United Opposition, 1926-27"', "title: 3:16")
        broken = broken.replace("We are not permitted to speak.", "We may not speak.")
        chapter.write_text(broken, encoding="utf-8")

        shown = await bot.say("/reload", user="mod", moderator=True)
        assert "Content not reloaded" in shown and "the old content stays" in shown
        assert "15.yaml:6: title: expected text, got the number 196" in shown
        assert 'write it in quotes: "3:16"' in shown
        assert "quote 'serge-not-permitted-to-speak' is not found word for word" in shown
        assert "closest passage" in shown

        assert await bot.say("/summary 15") == before
        assert "We are not permitted to speak" in await bot.say("/quote 15 not permitted to speak")


async def test_reload_with_a_fixed_pack_takes_the_new_content(tmp_path: Path) -> None:
    copy, chapter = copy_content(tmp_path)
    good = chapter.read_text(encoding="utf-8")
    async with console_bot(tmp_path, content=str(copy)) as bot:
        chapter.write_text(good.replace("number: 15", "number: fifteen"), encoding="utf-8")
        assert "Content not reloaded" in await bot.say("/reload", moderator=True)

        renamed = good.replace(
            'title: "The United Opposition, 1926-27"', 'title: "The bloc of 1926"'
        )
        chapter.write_text(renamed, encoding="utf-8")
        shown = await bot.say("/reload", moderator=True)
        assert "Content reloaded: 1 book(s).\nunited-opposition: 1 chapter(s)" in shown
        assert "15. The bloc of 1926" in await bot.say("/chapters")


async def test_reload_when_the_content_folder_is_gone_keeps_the_old_content(
    tmp_path: Path,
) -> None:
    copy, _ = copy_content(tmp_path)
    async with console_bot(tmp_path, content=str(copy)) as bot:
        shutil.rmtree(copy)
        shown = await bot.say("/reload", moderator=True)
        assert "Content not reloaded" in shown and "content folder not found" in shown
        assert "Zinoviev" in await bot.say("/summary 15")
