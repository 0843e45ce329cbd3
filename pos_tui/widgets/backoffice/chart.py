"""A bar chart of spending over time, drawn with block characters (no plotting dependency)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from pos_tui.engine.money import ZERO

_EIGHTHS = " ▁▂▃▄▅▆▇█"
AXIS_WIDTH = 10


def _money(value: Decimal) -> str:
    """A short axis label: 950, 12.5k, 3.2M."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}"


def grouped(series: list[tuple[date, Decimal]], fit: int) -> tuple[list[tuple[date, Decimal]], int]:
    """``series`` in at most ``fit`` bars: consecutive buckets summed, each bar dated by its
    first bucket, so the whole chosen range is drawn however narrow the chart; and how many
    buckets one bar holds."""
    size = max(1, -(-len(series) // max(1, fit)))  # ceiling division
    bars = [
        (series[i][0], sum((v for _, v in series[i : i + size]), ZERO))
        for i in range(0, len(series), size)
    ]
    return bars, size


def render_bars(
    series: list[tuple[date, Decimal]], per: str, width: int, height: int
) -> list[Text]:
    """The chart as lines of text: every bucket of the range, several to a bar when they do
    not all fit ``width``."""
    if not series:
        return [Text("No purchases in this period", style="dim")]
    rows = max(2, height - 2)
    bar = 3 if per == "month" else 2
    fit = max(1, (width - AXIS_WIDTH) // (bar + 1))
    shown, size = grouped(series, fit)
    top = max((max(v, ZERO) for _, v in shown), default=ZERO)
    scale = top if top > 0 else Decimal(1)
    first, last = series[0][0], series[-1][0]
    fmt = "%Y-%m" if per == "month" else "%Y-%m-%d"
    each = per if size == 1 else f"{size} {per}s"
    title = f"Net spending per {each}, {first.strftime(fmt)} to {last.strftime(fmt)}"
    lines = [Text(title, style="bold")]
    for level in range(rows, 0, -1):
        axis = _money(top) if level == rows else ("0" if level == 1 else "")
        line = Text(f"{axis:>{AXIS_WIDTH - 2}} │", style="dim")
        for _, value in shown:
            eighths = int(max(value, ZERO) / scale * rows * 8)
            fill = min(8, max(0, eighths - (level - 1) * 8))
            if value > 0 and level == 1 and fill == 0:
                fill = 1  # a small amount stays visible
            line.append(_EIGHTHS[fill] * bar + " ", style="bold")
        lines.append(line)
    labels = Text(" " * (AXIS_WIDTH - 1) + "└", style="dim")
    for day, _ in shown:
        label = day.strftime("%b") if per == "month" else day.strftime("%d")
        labels.append(f"{label[:bar]:<{bar}} ", style="dim")
    lines.append(labels)
    return lines


class SpendingChart(Widget):
    """Net spending per day or month; set :attr:`data` to ``(series, per)``."""

    DEFAULT_CSS = """
    SpendingChart { height: 10; width: 1fr; padding: 0 1; }
    """

    data: reactive[tuple[tuple[tuple[date, Decimal], ...], str]] = reactive(((), "month"))

    def show(self, series: list[tuple[date, Decimal]], per: str) -> None:
        self.data = (tuple(series), per)

    def render(self) -> Text:
        series, per = self.data
        lines = render_bars(list(series), per, self.size.width - 2, self.size.height)
        return Text("\n").join(lines)
