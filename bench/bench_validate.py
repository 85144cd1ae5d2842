"""Validating content at scale: the closest-passage search for quotes that are not in their
source, the validation of many chapters sharing one large text, and `reload` against the
event loop.

1. closest passage: a 0.5 MB source (the shipped text's sentences shuffled, seeded) and a
   quote of 100, 300, 1,000 and 3,000 characters taken from it with a character changed
   every 37 (so it is not found word for word); `closest_passage` on the normalised
   source. Baseline: `contains`, the exact search of the same quote (linear).
2. validate: a pack of 25, 50 and 100 chapters (the shipped chapter, renumbered) whose
   quotes all come from one 2 MB text; `load_checked` (read, parse, check every quote).
   Baseline: parsing the same YAML files with libyaml alone (yaml.load, CSafeLoader).
3. reload: the 50-chapter pack reloaded by `ContentStore.reload_off_loop` while a ticker
   task records how late the loop wakes (every 5 ms; the reading runs in a worker
   process, the loop only unpickles the library); beside it the same reload run on
   the loop (`ContentStore.reload`), the way it ran before issue 15.

Three runs of each; min / median / max and the ratio to the baseline run by run.

Usage: .venv/bin/python bench/bench_validate.py
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from looplag import lag_while

from bot.content.library import ContentStore, load_checked
from bot.content.passages import closest_passage, contains, normalise

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "content" / "united-opposition"
RUNS = 3


def spread(values: list[float], scale: float = 1000.0) -> str:
    lo, mid, hi = min(values), statistics.median(values), max(values)
    return f"{lo * scale:8.1f} / {mid * scale:8.1f} / {hi * scale:8.1f}"


def ratios(new: list[float], base: list[float]) -> str:
    found = sorted(n / b for n, b in zip(new, base, strict=True))
    return " / ".join(f"{r:,.1f}" for r in found) + " x"


def timed(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def shuffled_text(size: int, seed: int) -> str:
    source = (BOOK / "texts" / "united-opposition-1926-27.txt").read_text(encoding="utf-8")
    sentences = [s.strip() + "." for s in source.replace("\n", " ").split(". ") if s.strip()]
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        sentence = rng.choice(sentences)
        parts.append(sentence)
        total += len(sentence) + 1
    return " ".join(parts)


def closest(text_size: int) -> None:
    text = shuffled_text(text_size, 15)
    source = normalise(text)
    rng = random.Random(3)
    print(f"closest passage: a quote not in a {len(text):,}-character source, ms")
    print(f"  {'quote':>6}  {'closest_passage':>26}  {'contains (baseline)':>26}  ratio")
    for length in (100, 300, 1000, 3000):
        at = rng.randrange(0, len(source.text) - length)
        quote = list(source.text[at : at + length])
        for i in range(5, length, 37):
            quote[i] = "x"
        wanted = "".join(quote)
        found = closest_passage(text, source, wanted)
        if found is None or found.score < 80:
            raise SystemExit(f"bench_validate: no close passage for the {length}-char quote")
        new = [timed(partial(closest_passage, text, source, wanted)) for _ in range(RUNS)]
        base = [timed(partial(contains, source, wanted)) for _ in range(RUNS)]
        print(f"  {length:>6}  {spread(new)}  {spread(base)}  {ratios(new, base)}")


def make_pack(folder: Path, chapters: int, text: str) -> Path:
    book = folder / f"pack-{chapters}" / "united-opposition"
    (book / "chapters").mkdir(parents=True)
    (book / "texts").mkdir()
    shutil.copy(BOOK / "book.yaml", book / "book.yaml")
    (book / "texts" / "united-opposition-1926-27.txt").write_text(text, encoding="utf-8")
    chapter = (BOOK / "chapters" / "15.yaml").read_text(encoding="utf-8")
    # Ids and glossary terms are unique in a book: each copy gets its own ids, and the
    # glossary stays with the first chapter.
    without_glossary = chapter.split("\nglossary:")[0] + "\n"
    for n in range(1, chapters + 1):
        text = (chapter if n == 1 else without_glossary).replace("number: 15", f"number: {n}", 1)
        text = re.sub(r"(\bid: )(\S)", rf"\g<1>c{n}-\2", text)
        (book / "chapters" / f"{n}.yaml").write_text(text, encoding="utf-8")
    return book.parent


def parse_only(root: Path) -> None:
    for path in sorted(root.rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def validate(folder: Path) -> Path:
    original = (BOOK / "texts" / "united-opposition-1926-27.txt").read_text(encoding="utf-8")
    text = original + "\n\n" + shuffled_text(2_000_000 - len(original), 16)  # under the 2 MiB limit
    print(f"\nvalidate: chapters sharing one {len(text):,}-character text, ms")
    print(f"  {'chapters':>8}  {'load_checked':>26}  {'parse only (baseline)':>26}  ratio")
    packs = {}
    for chapters in (25, 50, 100):
        root = packs[chapters] = make_pack(folder, chapters, text)
        library = load_checked(root)
        if len(library.books[0].chapters) != chapters:
            raise SystemExit("bench_validate: the pack did not load whole")
        new = [timed(partial(load_checked, root)) for _ in range(RUNS)]
        base = [timed(partial(parse_only, root)) for _ in range(RUNS)]
        print(f"  {chapters:>8}  {spread(new)}  {spread(base)}  {ratios(new, base)}")
    return packs[50]


async def reload(root: Path) -> None:
    store = ContentStore(root, load_checked(root))

    async def on_loop() -> None:
        store.reload()

    print("\nreload of the 50-chapter pack: ms, and the loop's worst lateness in ms")
    for label, work in (
        ("off the loop (process)", store.reload_off_loop),
        ("on the loop", on_loop),
    ):
        runs = [await lag_while(work) for _ in range(RUNS)]
        print(f"  {label:<22} {spread([s for s, _ in runs])}   lag {spread([g for _, g in runs])}")


def main() -> None:
    closest(500_000)
    with tempfile.TemporaryDirectory() as folder:
        pack = validate(Path(folder))
        asyncio.run(reload(pack))
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


if __name__ == "__main__":
    main()
