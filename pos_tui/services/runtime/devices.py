"""The lane's `[devices.*]` settings turned into the hardware layer's plain config mappings."""

from __future__ import annotations

from typing import Any

from pos_tui.config import Settings


def device_config(settings: Settings) -> dict[str, dict[str, Any]]:
    """Each device's section as given; the printer's paper width defaults to `[receipt] paper`."""
    out: dict[str, dict[str, Any]] = {}
    for name, section in settings.devices.model_dump().items():
        values = {k: v for k, v in section.items() if v != ""}
        if name == "printer" and values.get("kind", "none") not in ("none",):
            values.setdefault("paper_width_mm", int(settings.receipt.paper.removesuffix("mm")))
        out[name] = values
    return out
