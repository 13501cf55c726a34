"""Charts for the HTML report, drawn here as inline SVG: no script, no font or stylesheet fetched from anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

FILL = "#2f6db5"
TRACK = "#e6ebf2"
MARK = "#c0392b"


@dataclass(frozen=True)
class Bar:
    """One bar: label, value in 0..1, the text at its end, and an optional marker (the previous period's value)."""

    label: str
    value: float
    text: str
    marker: float | None = None


def hbar_chart(bars: list[Bar], *, title: str, width: int = 760) -> str:
    """Horizontal bars on a 0..100% scale, one row per item; a red tick shows each bar's marker."""
    row, label_w, text_w = 28, 260, 120
    bar_w = width - label_w - text_w
    height = row * max(len(bars), 1) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="13">'
        f"<title>{escape(title)}</title>"
    ]
    for i, bar in enumerate(bars):
        y = i * row + 4
        filled = max(0.0, min(1.0, bar.value)) * bar_w
        label = bar.label if len(bar.label) <= 36 else bar.label[:35] + "…"
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.text)}</title>"
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="#222">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="18" rx="3" fill="{TRACK}"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{filled:.1f}" height="18" rx="3" fill="{FILL}"/>'
        )
        if bar.marker is not None:
            x = label_w + max(0.0, min(1.0, bar.marker)) * bar_w
            parts.append(f'<rect x="{x - 1:.1f}" y="{y}" width="2" height="22" fill="{MARK}"/>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}" fill="#222">{escape(bar.text)}</text></g>')
    if not bars:
        parts.append(f'<text x="{width / 2}" y="20" text-anchor="middle" fill="#777">—</text>')
    parts.append("</svg>")
    return "".join(parts)
