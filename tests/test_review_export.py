"""`review export`: an Anki package (a zip holding the collection database, whose notes
carry the question, the answer, the explanation and the cited passage) and a CSV file
(UTF-8 with a byte-order mark), both private."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import zipfile
from datetime import timedelta
from pathlib import Path

from bot.core.clock import FakeClock
from tests.quiz_helpers import quiz_bot, right_and_wrong


def saved(shown: str, suffix: str) -> Path:
    match = re.search(rf"\[file saved to (\S+{re.escape(suffix)})\]", shown)
    assert match, shown
    return Path(match[1])


async def test_export_gives_a_valid_anki_package_and_a_csv(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        assert "no review items to export" in await bot.say("/review export")
        await bot.say("/quiz practice 2")
        await bot.say("/practice answer 1927")
        quiz = await bot.say("/quiz start 1 choice questions 1", user="mod", moderator=True)
        _, wrong = right_and_wrong(quiz)
        await bot.say(f"/answer {wrong}")
        await bot.say("/quiz next", user="mod", moderator=True)
        await clock.advance(timedelta(days=1))
        shown = await bot.say("/review export")
        assert shown.count("[only you see this]") == 2

    package = saved(shown, ".apkg")
    with zipfile.ZipFile(package) as apkg:
        assert "collection.anki2" in apkg.namelist()
        (tmp_path / "open").mkdir()
        database = Path(apkg.extract("collection.anki2", tmp_path / "open"))
    connection = sqlite3.connect(database)
    try:
        notes = [row[0].split("\x1f") for row in connection.execute("SELECT flds FROM notes")]
        cards = connection.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
    finally:
        connection.close()
    assert cards == 2
    by_question = {fields[0].split("<br>")[0]: fields for fields in notes}
    year = by_question["In which year did the strike happen?"]
    assert year[1:] == [
        "1926",
        "The general strike was in 1926.",
        "From the text: “the general strike of 1926”",
    ]
    days = by_question["After how many days was the strike called off?"]
    assert "<br>A) " in days[0] and days[1].endswith(") Ten")

    data = saved(shown, ".csv").read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["item"] for r in rows} == {"aftermath-year", "strike-days"}
    year_row = next(r for r in rows if r["item"] == "aftermath-year")
    assert year_row["book"] == "circle" and year_row["chapter"] == "2"
    assert year_row["answer"] == "1926" and year_row["passage"].endswith("1926”")
    assert year_row["explanation"] == "The general strike was in 1926."
    assert year_row["reviews"] == "1" and year_row["lapses"] == "1"
