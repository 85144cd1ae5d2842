"""Config: defaults, the example file, and clear refusals naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Config, load_config
from bot.yamlfiles.document import ProblemsError
from tests.harness import ROOT, console_bot


def problems_of(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ProblemsError) as info:
        load_config(path)
    return str(info.value)


def test_no_file_means_the_defaults() -> None:
    config = load_config(None)
    assert config.adapters == ["console"]
    assert config.database == "var/kruzhok.sqlite3"
    assert config.content == "content"


def test_example_config_loads_and_equals_the_defaults() -> None:
    example = load_config(ROOT / "config.example.yaml")
    assert example == Config()


def test_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    shown = problems_of(tmp_path, "database: x.db\ndatabse_path: y\n")
    assert "config.yaml:2" in shown and "databse_path: unknown field" in shown


def test_nested_unknown_key_is_named_with_its_path(tmp_path: Path) -> None:
    shown = problems_of(tmp_path, "console:\n  usr: bob\n")
    assert "console.usr: unknown field" in shown and ":2" in shown


def test_wrong_type_says_what_was_expected(tmp_path: Path) -> None:
    shown = problems_of(tmp_path, "adapters: console\n")
    assert "adapters" in shown and "expected a list" in shown


def test_yaml_coercion_is_refused_where_text_is_expected(tmp_path: Path) -> None:
    shown = problems_of(tmp_path, "console:\n  channel: yes\n")
    assert "console.channel" in shown and "expected text" in shown and "quotes" in shown


def test_unknown_adapter_and_bad_timezone_are_refused(tmp_path: Path) -> None:
    shown = problems_of(tmp_path, "adapters: [irc]\ntimezone: Mars/Olympus\n")
    assert "adapters[0]" in shown and "'console'" in shown
    assert "'Mars/Olympus' is not an IANA timezone name" in shown


def test_validate_checks_a_config_file_too(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("log_level: LOUD\n")
    assert main(["validate", str(ROOT / "content"), "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "log_level" in err and "Traceback" not in err


def test_run_with_a_bad_config_exits_2_without_traceback(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("moderators: [alice]\n")
    assert main(["run", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "moderators" in err and "Traceback" not in err


def test_missing_config_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["run", "--config", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_an_empty_config_file_means_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("# nothing set yet\n")
    assert load_config(path) == Config()


@pytest.mark.parametrize("value", ["chapter 3", "3.5", "-1", "٣", "Current", ""])
def test_daily_default_chapter_must_be_current_all_or_a_whole_number(
    tmp_path: Path, value: str
) -> None:
    shown = problems_of(tmp_path, f'daily:\n  default_chapter: "{value}"\n')
    assert "config.yaml:2: daily.default_chapter:" in shown
    assert "expected current, all or a chapter number" in shown


def test_validate_checks_the_config_against_the_content(tmp_path: Path, capsys) -> None:
    """A chapter or book the content does not have is refused where the config names it,
    instead of every later `daily set` answering 'There is no chapter 99'."""
    path = tmp_path / "config.yaml"
    path.write_text('timezone: UTC\ndaily:\n  default_chapter: "99"\n')
    assert main(["validate", str(ROOT / "content"), "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3: daily.default_chapter: there is no chapter 99 in the book" in err
    assert "chapters: 15" in err and "Traceback" not in err
    path.write_text('book: nope\ndaily:\n  default_chapter: "15"\n')
    assert main(["validate", str(ROOT / "content"), "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: book: no book with id 'nope'" in err and "united-opposition" in err
    path.write_text('daily:\n  default_chapter: "15"\n')
    assert main(["validate", str(ROOT / "content"), "--config", str(path)]) == 0


def test_run_refuses_a_config_that_names_a_missing_chapter(tmp_path: Path, capsys) -> None:
    path = tmp_path / "config.yaml"
    database = tmp_path / "bot.sqlite3"
    content = ROOT / "content"
    path.write_text(f"database: {database}\ncontent: {content}\ndaily:\n  default_chapter: '99'\n")
    assert main(["run", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4: daily.default_chapter: there is no chapter 99" in err
    assert "Traceback" not in err
    assert not database.exists()  # refused before anything was stored


async def test_the_app_is_not_built_on_a_config_the_content_contradicts(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError, match=r"daily\.default_chapter: there is no chapter 99"):
        async with console_bot(tmp_path, daily={"default_chapter": "99"}):
            pass
