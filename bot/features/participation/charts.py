"""PNG charts for `stats`: activity per day over a period, and reading progress against
the plan. Matplotlib's object API with the Agg canvas (no pyplot, no display), drawn in a
worker thread so the event loop keeps serving; one chart at a time."""

from __future__ import annotations

import asyncio
import io
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

_LOCK = threading.Lock()


@dataclass(frozen=True)
class ChartSpec:
    title: str
    days: list[date]
    bars: list[int]
    bars_label: str
    chapters: list[int]
    progress: list[int]  # per chapter: members checked in (group) or 1/0 (a member)
    progress_label: str
    width: int
    height: int
    line: list[int] | None = None
    line_label: str = ""
    progress_max: int | None = None  # a reference line: the members of the group
    plan_chapter: int | None = None
    plan_label: str = ""


def _day_labels(days: list[date]) -> tuple[list[int], list[str]]:
    step = max(1, len(days) // 8)
    ticks = list(range(len(days) - 1, -1, -step))[::-1]  # the last day always has a label
    return ticks, [days[i].strftime("%d %b") for i in ticks]


def render(spec: ChartSpec) -> bytes:
    """The chart as PNG bytes of exactly width x height pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _LOCK:
        fig: Any = Figure(figsize=(spec.width / 100, spec.height / 100), dpi=100)
        FigureCanvasAgg(fig)
        top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
        fig.suptitle(spec.title, fontsize=11)

        x = list(range(len(spec.days)))
        top.bar(x, spec.bars, color="#4c72b0", label=spec.bars_label)
        if spec.line is not None:
            top.plot(x, spec.line, color="#dd8452", marker=".", label=spec.line_label)
        ticks, labels = _day_labels(spec.days)
        top.set_xticks(ticks, labels, fontsize=8)
        top.set_xlim(-0.6, max(len(x), 1) - 0.4)
        top.set_ylim(bottom=0)
        top.yaxis.set_major_locator(MaxNLocator(integer=True))
        bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
        top.set_title("Activity per day", fontsize=9)
        top.legend(fontsize=8, loc="upper left")

        positions = list(range(len(spec.chapters)))
        bottom.bar(positions, spec.progress, width=0.6, color="#55a868", label=spec.progress_label)
        if spec.plan_chapter in spec.chapters:
            at = spec.chapters.index(spec.plan_chapter)
            bottom.axvspan(at - 0.45, at + 0.45, color="#c44e52", alpha=0.15, label="plan")
        bottom.set_xlim(-1, max(len(positions), 3))
        bottom.set_xticks(positions, [str(n) for n in spec.chapters], fontsize=8)
        bottom.set_xlabel("chapter", fontsize=8)
        if spec.progress_max is not None:
            bottom.axhline(spec.progress_max, color="grey", linestyle="--", linewidth=1)
        bottom.set_ylim(0, max([spec.progress_max or 0, *spec.progress, 1]) * 1.15)
        bottom.set_title(
            f"Reading progress{' - ' + spec.plan_label if spec.plan_label else ''}",
            fontsize=9,
        )
        bottom.legend(fontsize=8, loc="upper left")
        fig.subplots_adjust(left=0.08, right=0.97, top=0.9, bottom=0.09, hspace=0.45)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


async def render_png(spec: ChartSpec) -> bytes:
    return await asyncio.to_thread(render, spec)
