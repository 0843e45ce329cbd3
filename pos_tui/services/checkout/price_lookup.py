"""Price lookup at the lane: an item's price without adding it to the sale."""

from __future__ import annotations

from typing import Any

from pos_tui.services.runtime.backend import Backend


def find_items(backend: Backend, text: str) -> list[dict[str, Any]]:
    """Barcode or SKU exactly, else SKU or name prefix (database thread)."""
    text = text.strip()
    if not text:
        return []
    exact = backend.catalog.item_by_code(text)
    if exact is not None:
        return [exact]
    return backend.catalog.search_items(text, limit=30)
