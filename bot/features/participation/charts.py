"""PNG charts for `stats`: activity per day over a period, and reading progress against
the plan. Matplotlib's object API with the Agg canvas (no pyplot, no display).

Pure: `figure(spec)` builds the chart from the data alone and `render(spec)` turns it
into PNG bytes, so either may run in any thread (`render_png` runs it in a worker thread,
one chart at a time, so the event loop keeps serving).

What the charts promise: messages and active members each on an axis of their own, each
axis named; every bar, line and band named in a legend that covers no bar and no point
(the axes make room for it); the reading-progress panel one row a chapter, its height
growing with the number of chapters."""

from __future__ import annotations

import asyncio
import io
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

_LOCK = threading.Lock()

BAR_COLOUR = "#4c72b0"
LINE_COLOUR = "#dd8452"
PROGRESS_COLOUR = "#55a868"
PLAN_COLOUR = "#c44e52"
# The reading-progress panel: this many pixels a chapter row (and a base for its axis),
# at most this share of the figure's height.
# The base leaves room for the panel's legend (three entries) beside a single row.
ROW_PIXELS = 22
ROW_BASE_PIXELS = 44
MAX_PROGRESS_SHARE = 0.55
# A chapter's number is written on every row with at least this many pixels (else on
# every second, third... row).
LABEL_PIXELS = 11
LEGEND = {"fontsize": 7, "labelspacing": 0.3, "borderpad": 0.3}
# Pixels of the figure not given to either panel (titles, tick labels, gaps).
FRAME_PIXELS = 170


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


# A day's label ("30 Nov" at 8 points) with the gap that keeps it apart from the next.
DAY_LABEL_PIXELS = 80


def _day_labels(days: list[date], width: int) -> tuple[list[int], list[str]]:
    """Labels for as many days as the figure's width holds side by side, the last day always."""
    room = max(2, min(8, width // DAY_LABEL_PIXELS))
    step = max(1, -(-len(days) // room))
    ticks = list(range(len(days) - 1, -1, -step))[::-1]  # the last day always has a label
    return ticks, [days[i].strftime("%d %b") for i in ticks]


def panel_heights(spec: ChartSpec) -> tuple[float, float]:
    """Pixels for the activity panel and the reading-progress panel: the second grows
    with the chapters (one row each), up to MAX_PROGRESS_SHARE of the figure."""
    room = max(spec.height - FRAME_PIXELS, 100)
    rows = max(len(spec.chapters), 1)
    progress = min(ROW_BASE_PIXELS + ROW_PIXELS * rows, room * MAX_PROGRESS_SHARE)
    return room - progress, progress


def figure(spec: ChartSpec) -> Any:
    """The chart as a matplotlib Figure of width x height pixels (drawn once, so the
    legends have their places)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Constrained layout keeps every title, label and tick inside the figure.
    fig: Any = Figure(figsize=(spec.width / 100, spec.height / 100), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": list(panel_heights(spec))})
    fig.suptitle(spec.title, fontsize=11)
    twin = _activity(top, spec)
    _progress(bottom, spec, panel_heights(spec)[1])
    fig.get_layout_engine().set(h_pad=0.08)
    fig.canvas.draw()
    _make_room(top, twin, bottom)
    return fig


def render(spec: ChartSpec) -> bytes:
    """The chart as PNG bytes of exactly width x height pixels."""
    with _LOCK:
        buffer = io.BytesIO()
        figure(spec).savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


async def render_png(spec: ChartSpec) -> bytes:
    return await asyncio.to_thread(render, spec)


def _activity(ax: Any, spec: ChartSpec) -> Any:
    """Bars per day on the left axis; the line (active members), if any, on its own right
    axis. Returns the axes that holds the legend (the right one when there is one)."""
    from matplotlib.ticker import MaxNLocator

    x = list(range(len(spec.days)))
    bars = ax.bar(x, spec.bars, color=BAR_COLOUR, label=spec.bars_label)
    ticks, labels = _day_labels(spec.days, spec.width)
    ax.set_xticks(ticks, labels, fontsize=8)
    ax.set_xlim(-0.6, max(len(x), 1) - 0.4)
    ax.set_ylim(0, max([*spec.bars, 1]))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(spec.bars_label, fontsize=8, color=BAR_COLOUR)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title("Activity per day", fontsize=9)
    handles = [bars]
    holder = ax
    if spec.line is not None:
        holder = ax.twinx()
        (line,) = holder.plot(
            x, spec.line, color=LINE_COLOUR, marker=".", label=spec.line_label or "line"
        )
        holder.set_ylim(0, max([*spec.line, 1]))
        holder.yaxis.set_major_locator(MaxNLocator(integer=True))
        holder.set_ylabel(spec.line_label or "line", fontsize=8, color=LINE_COLOUR)
        holder.tick_params(axis="y", labelsize=8, colors=LINE_COLOUR)
        handles.append(line)
    holder.legend(handles=handles, loc="upper left", **LEGEND)
    return holder


def _progress(ax: Any, spec: ChartSpec, pixels: float) -> None:
    """One row a chapter: how many checked in (or whether the member did), the plan's
    chapter marked, the group's size as a labelled line."""
    from matplotlib.ticker import MaxNLocator

    rows = list(range(len(spec.chapters)))
    ax.barh(rows, spec.progress, height=0.6, color=PROGRESS_COLOUR, label=spec.progress_label)
    if spec.plan_chapter in spec.chapters:
        at = spec.chapters.index(spec.plan_chapter)
        ax.axhspan(
            at - 0.45,
            at + 0.45,
            color=PLAN_COLOUR,
            alpha=0.15,
            label=f"plan: chapter {spec.plan_chapter}",
        )
    if spec.progress_max is not None:
        ax.axvline(
            spec.progress_max,
            color="grey",
            linestyle="--",
            linewidth=1,
            label=f"members ({spec.progress_max})",
        )
    step = max(1, -(-LABEL_PIXELS * len(rows) // max(int(pixels) - ROW_BASE_PIXELS, 1)))
    ax.set_yticks(rows[::step], [str(n) for n in spec.chapters[::step]], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)  # the first chapter on top
    ax.set_ylabel("chapter", fontsize=8)
    ax.set_xlim(0, max([spec.progress_max or 0, *spec.progress, 1]))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel(spec.progress_label, fontsize=8)
    ax.set_title(
        f"Reading progress{' - ' + spec.plan_label if spec.plan_label else ''}", fontsize=9
    )
    ax.legend(loc="upper right", **LEGEND)


def _make_room(top: Any, twin: Any, bottom: Any) -> None:
    """Stretch the value axes so that no bar, point or line reaches a legend: the
    activity panel's upwards (the legend sits at its top), the progress panel's to the
    right (its legend sits at its right)."""
    legend = twin.get_legend()
    below = legend.get_window_extent().transformed(twin.transAxes.inverted()).y0
    for ax in {top, twin}:
        high = ax.get_ylim()[1]
        ax.set_ylim(0, high / max(below - 0.04, 0.2))
    legend = bottom.get_legend()
    left = legend.get_window_extent().transformed(bottom.transAxes.inverted()).x0
    wide = bottom.get_xlim()[1]
    bottom.set_xlim(0, wide / max(left - 0.03, 0.2))
