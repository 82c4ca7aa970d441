"""Inline SVG charts for the HTML report: horizontal bars, stacked by status or one
colour per bar. No script, no external reference; labels go through `html_text`."""

from __future__ import annotations

from collections.abc import Sequence

from aciaudit.escape import html_text

COLOURS = {
    "FAIL": "#c62828",
    "PASS": "#1a7f37",
    "NOT_ASSESSED": "#6e7781",
    "critical": "#8b0000",
    "high": "#c62828",
    "medium": "#e07b00",
    "low": "#b59a00",
    "info": "#57606a",
}

ROW = 22
LABEL_W = 230
BAR_W = 520
WIDTH = LABEL_W + BAR_W + 60


def stacked_bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[str],
) -> str:
    """One bar per row, one segment per series (counts), scaled to the largest total."""
    biggest = max((sum(values) for _, values in rows), default=0) or 1
    height = ROW * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" aria-label="{html_text(title)}">',
        f"<title>{html_text(title)}</title>",
    ]
    for i, (label, values) in enumerate(rows):
        y = i * ROW + 4
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 14}" text-anchor="end" font-size="12">'
            f"{html_text(short)}</text>"
        )
        x = float(LABEL_W)
        for name, value in zip(series, values, strict=True):
            if value <= 0:
                continue
            w = BAR_W * value / biggest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="16" '
                f'fill="{COLOURS.get(name, "#888")}"><title>{html_text(name)}: {value}'
                "</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}" font-size="12">{sum(values)}</text>')
    legend_y = len(rows) * ROW + 20
    x = LABEL_W
    for name in series:
        parts.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="10" height="10" '
            f'fill="{COLOURS.get(name, "#888")}"/>'
            f'<text x="{x + 14}" y="{legend_y}" font-size="11">{html_text(name)}</text>'
        )
        x += 14 + 8 * len(name) + 16
    parts.append("</svg>")
    return "".join(parts)
