"""The lane's `[devices.*]` settings turned into the hardware layer's plain config mappings."""

from __future__ import annotations

from typing import Any

from pos_tui.config import Settings
from pos_tui.hardware.events import EventCallback, ignore_event
from pos_tui.hardware.registry import DeviceSet


def device_config(settings: Settings) -> dict[str, dict[str, Any]]:
    """Each device's section as given; the printer's paper width defaults to `[receipt] paper`."""
    out: dict[str, dict[str, Any]] = {}
    for name, section in settings.devices.model_dump().items():
        values = {k: v for k, v in section.items() if v != ""}
        if name == "printer" and values.get("kind", "none") not in ("none",):
            values.setdefault("paper_width_mm", int(settings.receipt.paper.removesuffix("mm")))
        out[name] = values
    return out


def build_devices(settings: Settings, on_event: EventCallback = ignore_event) -> DeviceSet:
    """Raises ``HardwareConfigError`` naming the bad key."""
    return DeviceSet.from_config(device_config(settings), on_event)
