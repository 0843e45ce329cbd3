"""The lane's driver writes fewer bytes and never changes a character's style on screen."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_tui.app import PosApp
from pos_tui.widgets.terminal_output import merge_styles

_TOKEN = re.compile(r"\x1b\[([0-9;]*)m|\x1b\[[0-9;]*H|[^\x1b]")


def on_screen(data: str) -> tuple[list[tuple[str, tuple[str, ...]]], tuple[str, ...]]:
    """What a terminal shows: every character (and cursor move) with the styles in force
    since the last reset, and the style left at the end."""
    style: list[str] = []
    shown: list[tuple[str, tuple[str, ...]]] = []
    for match in _TOKEN.finditer(data):
        if match.group(1) is not None:
            if match.group(1) in ("0", ""):
                style = []
            else:
                style.append(match.group(1))
        else:
            shown.append((match.group(0), tuple(style)))
    return shown, tuple(style)


_STYLES = ["0", "", "1", "7", "38;5;253;48;5;234", "48;5;235", "1;38;5;115"]
tokens = st.lists(
    st.one_of(
        st.sampled_from(_STYLES).map(lambda p: f"\x1b[{p}m"),
        st.sampled_from(["ab", " ", "\r\n", "▔", "\x1b[3;10H"]),
    ),
    max_size=40,
)


@settings(max_examples=1000, deadline=None)
@given(tokens)
def test_merging_never_changes_what_the_terminal_shows(parts: list[str]) -> None:
    data = "".join(parts)
    merged = merge_styles(data)
    assert on_screen(merged) == on_screen(data)
    assert len(merged) <= len(data)


def test_a_reset_written_out_is_not_taken_for_the_style_before_it() -> None:
    # Found by the invariant above: "1, reset, reset, 1" must end in style 1.
    data = "\x1b[0m\x1b[1m\x1b[0m\x1b[0m\x1b[1m"
    assert on_screen(merge_styles(data)) == on_screen(data)


def test_a_row_of_cells_in_one_style_sets_it_once() -> None:
    cell = "\x1b[38;5;253;48;5;234m"
    row = "\x1b[8;1H\x1b[0m" + "".join(f"{cell}{text}\x1b[0m" for text in ("  1", " Bag", "  5.00"))
    assert merge_styles(row) == f"\x1b[8;1H\x1b[0m{cell}  1 Bag  5.00\x1b[0m"


def test_the_lane_draws_through_it(app: PosApp) -> None:
    from textual.drivers.linux_driver import LinuxDriver

    assert issubclass(app.driver_class, LinuxDriver)
    assert app.driver_class.write.__qualname__.startswith("with_merged_styles.")
