"""Telling a keyboard-wedge barcode scanner from a person typing. Pure logic, no IO.

A wedge scanner "types" the whole code in a burst — a few milliseconds between keys — and ends
with Enter. A person cannot sustain gaps that short. The UI feeds every key with its timestamp;
on Enter the detector says whether the keys just before it were a scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTER_KEYS = frozenset({"enter", "return", "\r", "\n"})


@dataclass(frozen=True, slots=True)
class ScanBurst:
    """The code a scanner typed, and any slower keys typed before it (`typed_before`)."""

    code: str
    typed_before: str
    duration: float


@dataclass
class WedgeDetector:
    """Feed keys with `feed(key, character, at)`; on Enter it returns a ScanBurst or None.

    `min_length`: shortest code accepted as a scan. `max_gap`: longest gap, in seconds, between
    two keys of a burst (and between the last character and Enter).
    """

    min_length: int = 4
    max_gap: float = 0.030
    _chars: list[str] = field(default_factory=list)
    _times: list[float] = field(default_factory=list)

    def reset(self) -> None:
        self._chars.clear()
        self._times.clear()

    @property
    def pending(self) -> str:
        """Characters fed since the last Enter/reset."""
        return "".join(self._chars)

    def feed(self, key: str, character: str | None, at: float) -> ScanBurst | None:
        """One key press. `at` is a monotonic time in seconds.

        Returns a ScanBurst when this key is Enter closing a fast burst of at least
        `min_length` printable characters; None otherwise (including Enter after typing).
        """
        if key.lower() in ENTER_KEYS or character in ("\r", "\n"):
            burst = self._burst_ending_at(at)
            self.reset()
            return burst
        if character is None or len(character) != 1 or not character.isprintable():
            # Arrows, function keys and modifiers break any burst: a scanner sends none.
            self.reset()
            return None
        self._chars.append(character)
        self._times.append(at)
        return None

    def _burst_ending_at(self, enter_at: float) -> ScanBurst | None:
        if not self._times or enter_at - self._times[-1] > self.max_gap:
            return None
        start = len(self._times) - 1
        while start > 0 and self._times[start] - self._times[start - 1] <= self.max_gap:
            start -= 1
        code = "".join(self._chars[start:])
        if len(code) < self.min_length:
            return None
        return ScanBurst(
            code=code,
            typed_before="".join(self._chars[:start]),
            duration=enter_at - self._times[start],
        )
