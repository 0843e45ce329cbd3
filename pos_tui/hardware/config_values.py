"""Reading a device's plain config mapping with clear errors.

The app's settings map onto these mappings; this layer still checks them so a device
built from a hand-written dict (tests, `pos-tui devices`) fails with a message naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class HardwareConfigError(ValueError):
    """A device config value is missing, of the wrong type, or unknown."""


class ConfigReader:
    """Typed getters over one device's mapping; `finish()` rejects keys nobody read."""

    def __init__(self, device: str, cfg: Mapping[str, Any] | None) -> None:
        self.device = device
        self._cfg: Mapping[str, Any] = cfg or {}
        self._used: set[str] = set()

    def _get(self, key: str) -> Any:
        self._used.add(key)
        return self._cfg.get(key)

    def fail(self, key: str, expected: str, value: Any) -> HardwareConfigError:
        return HardwareConfigError(
            f"devices.{self.device}.{key}: expected {expected}, got {value!r}"
        )

    def text(self, key: str, default: str) -> str:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(key, "a string", value)
        return value

    def required_text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value:
            raise self.fail(key, "a non-empty string (required)", value)
        return value

    def choice(self, key: str, options: Sequence[str], default: str) -> str:
        value = self.text(key, default)
        if value not in options:
            raise self.fail(key, "one of " + ", ".join(repr(o) for o in options), value)
        return value

    def integer(
        self, key: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().lower().startswith("0x"):
                value = int(value, 16)  # USB ids are usually written in hex
            else:
                raise self.fail(key, "an integer", value)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise self.fail(key, f"an integer in [{minimum}, {maximum}]", value)
        return int(value)

    def number(self, key: str, default: float, *, minimum: float = 0.0) -> float:
        """Timeouts and delays only (seconds); money never goes through here."""
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "a number of seconds", value)
        if value < minimum:
            raise self.fail(key, f"a number >= {minimum}", value)
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(key, "true or false", value)
        return value

    def finish(self) -> None:
        unknown = sorted(set(self._cfg) - self._used)
        if unknown:
            raise HardwareConfigError(f"devices.{self.device}: unknown key(s) {', '.join(unknown)}")
