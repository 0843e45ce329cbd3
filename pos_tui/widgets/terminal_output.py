"""Fewer bytes to the terminal for the same screen: thin terminals, SSH and serial lines.

Textual writes every segment as ``ESC[<style>m text ESC[0m``, so a table row of six cells in
one colour resets and sets that colour six times. :func:`merge_styles` drops a reset that is
directly followed by the very style it reset, which leaves every character in the same colour
and attributes: a scan's redraw at 80x24 is about a third smaller. The lane's driver
(:func:`with_merged_styles`) applies it to each update it writes.
"""

from __future__ import annotations

import re
from functools import cache

from textual.driver import Driver

_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_RESET = ("0", "")


def merge_styles(data: str) -> str:
    """``data`` without the resets that are followed at once by the style in force before
    them. Only a style set straight after a reset is known in full (Textual always resets
    first); after any other style change nothing is dropped until the next reset."""
    out: list[str] = []
    pos = 0
    known: str | None = None  # the style in force, when it was set straight after a reset
    reset: str | None = None  # a reset not yet written
    after_reset = False  # the last style sequence was a reset
    for match in _SGR.finditer(data):
        params = match.group(1)
        between = data[pos : match.start()]
        pos = match.end()
        if reset is not None and not between and params == known and params not in _RESET:
            reset = None  # "reset, then the same style again": nothing changes
            after_reset = False
            continue
        if reset is not None:
            out.append(reset)
            reset = None
            known = None  # written: the style in force is "none" now
        out.append(between)
        if params in _RESET:
            reset = match.group(0)
            after_reset = True
            continue
        out.append(match.group(0))
        known = params if after_reset else None
        after_reset = False
    if reset is not None:
        out.append(reset)
    out.append(data[pos:])
    return "".join(out)


@cache
def with_merged_styles(base: type[Driver]) -> type[Driver]:
    """``base`` (the platform's driver) writing each update through :func:`merge_styles`."""

    class MergedStylesDriver(base):  # type: ignore[valid-type, misc]
        def write(self, data: str) -> None:
            super().write(merge_styles(data))

    MergedStylesDriver.__name__ = f"MergedStyles{base.__name__}"
    return MergedStylesDriver
