"""Bad settings end in one clear message and exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from tests.harness import ROOT


def run_with(
    tmp_path: Path, config_text: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    config = tmp_path / "config.yaml"
    config.write_text(f"content: {ROOT / 'content'}\n" + config_text)
    code = main(["run", "--config", str(config)])
    return code, capsys.readouterr().err


def test_database_path_that_is_a_folder(tmp_path: Path, capsys) -> None:
    code, err = run_with(tmp_path, f"database: {tmp_path}\n", capsys)
    assert code == 2 and "cannot use" in err and "Traceback" not in err


def test_database_file_that_is_not_a_database(tmp_path: Path, capsys) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("these are not the tables you are looking for\n" * 100)
    code, err = run_with(tmp_path, f"database: {bogus}\n", capsys)
    assert code == 2 and "not an SQLite database" in err


def test_database_folder_that_cannot_be_created(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, err = run_with(tmp_path, f"database: {blocker / 'sub' / 'db.sqlite3'}\n", capsys)
    assert code == 2 and "cannot use" in err and "Traceback" not in err


async def test_console_that_cannot_save_a_chart_says_so(tmp_path: Path) -> None:
    from bot.core.replies import Attachment, Reply
    from tests.harness import console_bot

    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    async with console_bot(tmp_path, console={"output_dir": str(blocker / "charts")}) as bot:
        shown = bot.adapter.render(
            [Reply(text="chart", image=Attachment("a.png", b"png", "image/png"))]
        )
    assert "the chart could not be saved" in shown and "console.output_dir" in shown


async def test_running_with_no_adapter_is_refused_clearly(tmp_path: Path) -> None:
    from bot.app import StartupError, build_app, run_until_done
    from tests.harness import make_config

    app = await build_app(make_config(tmp_path))
    with pytest.raises(StartupError, match="no adapter to run"):
        await run_until_done(app, [])
