"""Small charts drawn on the server as SVG, so that the leaders' home needs no JavaScript
and prints as it shows.

Pure functions from plain values to SVG text, with no Django import. Every chart is an
image to assistive technology (`role="img"`) named by its `<title>` and described by a
`<desc>` that states the figures in words; the page gives a data table besides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "Point", "bar_chart", "line_chart"]

# Drawn at about the size a card shows them, so that the text stays legible.
WIDTH = 440
LABEL_WIDTH = 124
ROW_HEIGHT = 28
BAR_HEIGHT = 18
VALUE_WIDTH = 118
LINE_HEIGHT = 190
PAD = 26


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a bar chart. With `total` the bar is drawn as `value` of `total` (places
    taken of places offered); without it, against the largest value of the chart."""

    label: str
    value: float
    total: float | None = None


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a line chart; `value` None leaves a gap (no data that month)."""

    label: str
    value: float | None


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _open(chart_id: str, title: str, desc: str, height: int) -> str:
    ident = escape(chart_id, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
    )


def _check(chart_id: str, title: str) -> None:
    if not chart_id.strip() or not title.strip():
        raise ValueError("a chart needs an id and a title, for assistive technology")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    unit: str = "",
    unit_one: str = "",
    empty: str = "No data.",
) -> str:
    """Horizontal bars, one per row, labelled on the left and valued on the right. `unit`
    follows each value; `unit_one`, if given, follows a value (or a total) of exactly 1."""
    _check(chart_id, title)
    if any(bar.value < 0 or (bar.total is not None and bar.total < 0) for bar in bars):
        raise ValueError("bar values must not be negative")

    def suffix(count: float) -> str:
        word = unit_one if count == 1 and unit_one else unit
        return f" {word}" if word else ""

    def said(bar: Bar) -> str:
        if bar.total is not None:
            return f"{_fmt(bar.value)} of {_fmt(bar.total)}{suffix(bar.total)}"
        return f"{_fmt(bar.value)}{suffix(bar.value)}"

    desc = "; ".join(f"{bar.label}: {said(bar)}" for bar in bars) or empty
    height = max(1, len(bars)) * ROW_HEIGHT + 8
    scale = max([b.total if b.total is not None else b.value for b in bars] + [0]) or 1
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [_open(chart_id, title, desc, height)]
    if not bars:
        parts.append(f'<text x="0" y="20" class="chart-empty">{escape(empty)}</text>')
    for i, bar in enumerate(bars):
        y = 4 + i * ROW_HEIGHT
        mid = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{mid:.1f}" text-anchor="end" class="chart-label">'
            f"{escape(bar.label)}</text>"
        )
        if bar.total is not None:
            room = track * bar.total / scale
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{room:.1f}" height="{BAR_HEIGHT}" '
                f'class="chart-track"/>'
            )
        length = track * bar.value / scale
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'class="chart-bar"/>'
        )
        parts.append(
            f'<text x="{WIDTH - VALUE_WIDTH + 6}" y="{mid:.1f}" class="chart-value">'
            f"{escape(said(bar))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    *,
    chart_id: str,
    title: str,
    points: Sequence[Point],
    maximum: float = 100,
    unit: str = "%",
    empty: str = "No data.",
) -> str:
    """A line over evenly spaced labels (months), from 0 to `maximum`; a point without a
    value breaks the line, so that a month with nothing to measure does not read as 0."""
    _check(chart_id, title)
    if maximum <= 0:
        raise ValueError("maximum must be positive")
    if any(p.value is not None and not 0 <= p.value <= maximum for p in points):
        raise ValueError(f"line values must lie between 0 and {_fmt(maximum)}")
    said = [f"{p.label}: {'no data' if p.value is None else _fmt(p.value) + unit}" for p in points]
    desc = "; ".join(said) if any(p.value is not None for p in points) else empty
    height = LINE_HEIGHT
    left, right, top, bottom = 40, WIDTH - 12, 12, height - PAD
    parts = [_open(chart_id, title, desc, height)]
    for frac in (0, 0.5, 1):
        y = bottom - (bottom - top) * frac
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" class="chart-grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="chart-axis">'
            f"{_fmt(maximum * frac)}{escape(unit)}</text>"
        )
    step = (right - left) / max(1, len(points) - 1)
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, point in enumerate(points):
        x = left + i * step if len(points) > 1 else (left + right) / 2
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" class="chart-axis">'
            f"{escape(point.label)}</text>"
        )
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        y = bottom - (bottom - top) * point.value / maximum
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="chart-dot"/>')
    if segment:
        segments.append(segment)
    for run in segments:
        if len(run) > 1:
            parts.append(f'<polyline points="{" ".join(run)}" class="chart-line"/>')
    if not any(p.value is not None for p in points):
        parts.append(
            f'<text x="{(left + right) / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle" '
            f'class="chart-empty">{escape(empty)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
