"""The stats charts' structure (not their pixels): members on an axis of their own, every
bar, line and band named, legends that cover no bar or point, the reading-progress panel
one row a chapter."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest

from bot.features.participation.charts import ROW_PIXELS, ChartSpec, figure, render
from tests.participation_support import png_size

DAYS = [date(2026, 11, 1) + timedelta(days=i) for i in range(30)]


def group_spec(chapters: int = 1, **changes: Any) -> ChartSpec:
    numbers = list(range(1, chapters + 1))
    values: dict[str, Any] = {
        "title": "The group: the last 30 days",
        "days": DAYS,
        # The first days' bars are the tallest: where a legend at the top left would sit.
        "bars": [40, 40, 39, *[(7 * i) % 30 for i in range(27)]],
        "bars_label": "messages",
        "line": [9, 9, *[i % 7 for i in range(28)]],
        "line_label": "active members",
        "chapters": numbers,
        "progress": [9 - n % 9 for n in numbers],
        "progress_label": "members checked in (all time)",
        "progress_max": 9,
        "plan_chapter": 1,
        "plan_label": "plan: chapter 1, due in 2 days",
        "width": 800,
        "height": 600,
    }
    values.update(changes)
    return ChartSpec(**values)


def member_spec() -> ChartSpec:
    return ChartSpec(
        title="alice: the last 14 days",
        days=DAYS[-14:],
        bars=[12, *range(13)],
        bars_label="activity",
        chapters=[15],
        progress=[1],
        progress_label="checked in",
        width=640,
        height=480,
        plan_chapter=15,
        plan_label="plan: chapter 15, due today",
    )


def panels(fig: Any) -> tuple[Any, Any, Any | None]:
    """The activity axes, the progress axes and the members' axis (None without one)."""
    axes = fig.axes
    top, bottom = axes[0], axes[1]
    twins = [a for a in axes[2:] if a.get_shared_x_axes().joined(a, top)]
    return top, bottom, twins[0] if twins else None


def legend_texts(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_members_have_their_own_named_axis_and_every_series_is_in_the_legend() -> None:
    top, bottom, twin = panels(figure(group_spec()))
    assert twin is not None
    assert top.get_ylabel() == "messages" and twin.get_ylabel() == "active members"
    assert [line.get_label() for line in twin.get_lines()] == ["active members"]
    assert top.get_lines() == []  # the members' line is not drawn on the messages' axis
    assert legend_texts(twin) == ["messages", "active members"]
    assert set(legend_texts(bottom)) == {
        "members checked in (all time)",
        "plan: chapter 1",
        "members (9)",
    }
    assert bottom.get_xlabel() == "members checked in (all time)"
    assert bottom.get_ylabel() == "chapter"


def test_a_members_chart_has_one_value_axis_and_its_legends() -> None:
    fig = figure(member_spec())
    top, bottom, twin = panels(fig)
    assert twin is None and len(fig.axes) == 2
    assert top.get_ylabel() == "activity"
    assert legend_texts(top) == ["activity"]
    assert set(legend_texts(bottom)) == {"checked in", "plan: chapter 15"}


@pytest.mark.parametrize(
    "spec", [group_spec(), group_spec(12), member_spec()], ids=["group", "12", "member"]
)
def test_no_legend_covers_a_bar_or_a_point(spec: ChartSpec) -> None:
    fig = figure(spec)
    fig.canvas.draw()
    top, bottom, twin = panels(fig)
    for holder, drawn in ((twin or top, [top, twin]), (bottom, [bottom])):
        box = holder.get_legend().get_window_extent()
        for ax in (a for a in drawn if a is not None):
            # The plan's band (translucent) spans its row behind everything; the bars
            # are opaque, upright (days) or along their row (chapters).
            bars = [p for p in ax.patches if p.get_alpha() is None and p.get_width()]
            assert bars or ax is twin
            for bar in bars:
                assert not box.overlaps(bar.get_window_extent()), ax.get_title()
            for line in ax.get_lines():
                points = line.get_transform().transform(line.get_xydata())
                assert not any(box.contains(x, y) for x, y in points), line.get_label()


def test_the_progress_panel_grows_by_a_row_for_each_chapter() -> None:
    heights = {}
    for chapters in (1, 3, 6):
        fig = figure(group_spec(chapters))
        fig.canvas.draw()
        heights[chapters] = panels(fig)[1].get_window_extent().height
    per_row = (heights[6] - heights[3]) / 3
    assert per_row == pytest.approx(ROW_PIXELS, rel=0.15)
    assert heights[3] - heights[1] == pytest.approx(2 * ROW_PIXELS, rel=0.15)


def test_many_chapters_fill_at_most_their_share_and_label_some_rows() -> None:
    fig = figure(group_spec(40))
    fig.canvas.draw()
    top, bottom, _ = panels(fig)
    assert bottom.get_window_extent().height < 0.6 * fig.bbox.height
    assert top.get_window_extent().height > 0.25 * fig.bbox.height
    labels = [t.get_text() for t in bottom.get_yticklabels()]
    assert labels[0] == "1" and 5 <= len(labels) < 40


@pytest.mark.parametrize(
    ("spec", "days"),
    [(member_spec(), 14), (group_spec(width=480), 30), (group_spec(), 30)],
    ids=["member-640", "group-480", "group-800"],
)
def test_day_labels_stand_apart_and_the_last_day_is_named(spec: ChartSpec, days: int) -> None:
    fig = figure(spec)
    fig.canvas.draw()
    top = panels(fig)[0]
    labels = [t for t in top.get_xticklabels() if t.get_text()]
    boxes = [t.get_window_extent() for t in labels]
    assert len(labels) >= 2
    for left, right in pairwise(boxes):
        assert left.x1 < right.x0, (left, right)
    assert labels[-1].get_text() == spec.days[-1].strftime("%d %b")
    assert len(spec.days) == days


def test_the_png_has_the_configured_size() -> None:
    assert png_size(render(group_spec(5))) == (800, 600)
    assert png_size(render(member_spec())) == (640, 480)
