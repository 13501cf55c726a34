"""Charts drawn on the server as inline SVG (no script, no external asset): horizontal bars and columns."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and the text shown at its end (and in its tooltip)."""

    label: str
    value: float
    text: str
    href: str | None = None


def _axis_step(value: float, ticks: int = 4) -> float:
    """The smallest 1, 2 or 5 × 10^k step (at least 1) whose TICKS steps reach VALUE: the axis is step × ticks."""
    needed = max(value / ticks, 1.0)
    exponent = math.floor(math.log10(needed))
    for factor in (1, 2, 5, 10):
        step = factor * 10**exponent
        if step >= needed:
            return float(step)
    return float(10 ** (exponent + 1))


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def hbar_chart(bars: list[Bar], *, title: str, maximum: float | None = None, width: int = 640) -> Markup:
    """Horizontal bars, one row per item (coverage per unit): label left, bar, text right.

    MAXIMUM fixes the scale (1.0 for proportions); by default the largest value fills the row.
    """
    row, label_w, text_w = 34, 290, 140
    bar_w = width - label_w - text_w
    top = maximum if maximum is not None else max((b.value for b in bars), default=0) or 1
    height = max(row * len(bars), row)
    parts = [
        f'<svg class="chart hbar" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for i, bar in enumerate(bars):
        y = i * row
        filled = max(0.0, min(1.0, bar.value / top)) * bar_w
        label = bar.label if len(bar.label) <= 36 else bar.label[:35] + "…"
        item = (
            f'<g class="row"><title>{escape(bar.label)}: {escape(bar.text)}</title>'
            f'<text class="label" x="{label_w - 8}" y="{y + 22}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="track" x="{label_w}" y="{y + 7}" width="{bar_w}" height="20" rx="3"/>'
            f'<rect class="fill" x="{label_w}" y="{y + 7}" width="{filled:.1f}" height="20" rx="3"/>'
            f'<text class="value" x="{label_w + bar_w + 8}" y="{y + 22}">{escape(bar.text)}</text></g>'
        )
        if bar.href:
            item = f'<a href="{escape(bar.href)}">{item}</a>'
        parts.append(item)
    if not bars:
        parts.append(f'<text class="empty" x="{width / 2}" y="19" text-anchor="middle">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(bars: list[Bar], *, title: str, width: int = 640, height: int = 220, every: int = 1,
                 number: Callable[[float], str] = _fmt) -> Markup:
    """Vertical columns over time (pages per day or week) with a value axis; every EVERY-th label shown.

    NUMBER writes the axis values (the reader's thousands separator).
    """
    left, bottom, top_pad = 48, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    step = _axis_step(max((b.value for b in bars), default=0))
    top = step * 4
    slot = plot_w / max(len(bars), 1)
    parts = [
        f'<svg class="chart columns" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for k in range(5):
        value = step * k
        y = top_pad + plot_h - plot_h * k / 4
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{number(value)}</text>'
        )
    for i, bar in enumerate(bars):
        h = plot_h * max(0.0, bar.value) / top
        x = left + i * slot + slot * 0.15
        parts.append(
            f'<g class="col"><title>{escape(bar.label)}: {escape(bar.text)}</title>'
            f'<rect class="fill" x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" rx="2"/></g>'
        )
        if i % every == 0:
            parts.append(
                f'<text class="axis" x="{left + i * slot + slot / 2:.1f}" y="{height - 8}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append(
        f'<line class="baseline" x1="{left}" x2="{width - 8}" y1="{top_pad + plot_h}" y2="{top_pad + plot_h}"/></svg>'
    )
    return Markup("".join(parts))
