"""What every device driver offers the app, whatever its kind."""

from __future__ import annotations

from typing import Protocol


class Device(Protocol):
    """A configured device: its section name and kind, where it is, and a start/stop pair.

    ``start`` and ``stop`` never block the caller for long: drivers do their IO on threads.
    """

    name: str
    kind: str

    @property
    def target(self) -> str:
        """Where the device is (a reader name, a port, a host:port, a file)."""
        ...

    @property
    def state(self) -> str:
        """A word for `pos-tui devices`: ready, offline, unreachable, ..."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...
