"""Fixes to Textual the lane needs until they are made upstream (docs/bench.md, "No growth").

Two of Textual's methods are instance methods under ``functools.lru_cache``: the cache's key
holds ``self``, so widgets long gone stay alive in it, with everything they last rendered.

- ``StylesCache.get_inner_outer`` (textual/_styles_cache.py, ``lru_cache(1024)``): the last
  1,024 widgets' ``StylesCache`` objects stay alive with every line each one last rendered (a
  50-row results table is hundreds of strips). Every F2 search (a screen of a dozen widgets)
  left about 0.5 MB behind: 55 MB after 100 searches (Textual issue #6665). Its result depends
  only on the two colours: the same cache keyed by them alone keeps nothing else.
- ``DataTable._get_styles_to_render_cell`` (``lru_cache(32)``): the last few tables closed
  (each back-office customer list, each search's results) stay alive with their rows. Its
  result depends on the table's own styles, so each table gets a cache of its own, which goes
  with it (Textual already clears it when the styles change).

And one list that only grows: a widget watching another's reactive (``data_bind``: every
``FooterKey`` watches its ``Footer``'s ``compact``) is dropped from the watched object's list
only when that reactive changes. A footer recomposes on every change of its screen's bindings,
so each back-office list and form opened left its footer keys in their ``Footer``'s list
(about 0.12 MB a form). A new watch now drops the watchers already closed first.
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

import textual.dom
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style
from textual.widgets import DataTable

CELL_STYLES_CACHE = 32  # what Textual's shared cache held, now per table


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    # What Textual's method returns, cached by the colours only.
    return (
        Style(background=base_background + background),
        Style(background=base_background),
    )


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


class _CachePerInstance:
    """A method whose ``lru_cache`` belongs to each instance (built on first use and kept in
    the instance's ``__dict__``, so later look-ups never come back here)."""

    def __init__(self, function: Any, name: str, maxsize: int) -> None:
        self.function, self.name, self.maxsize = function, name, maxsize

    def __get__(self, instance: Any, _owner: type | None = None) -> Any:
        if instance is None:
            return self
        cached = lru_cache(self.maxsize)(partial(self.function, instance))
        instance.__dict__[self.name] = cached
        return cached


_textual_watch: Any = textual.dom._watch


def _watch_dropping_closed(
    node: Any, obj: Any, attribute_name: str, callback: Any, *, init: bool = True
) -> None:
    watchers = getattr(obj, "__watchers", {}).get(attribute_name)
    if watchers:
        watchers[:] = [(watcher, fn) for watcher, fn in watchers if not watcher._closing]
    _textual_watch(node, obj, attribute_name, callback, init=init)


def apply_textual_fixes() -> None:
    """Put the fixes in place (once; a Textual that no longer caches by ``self`` is left as is)."""
    method: Any = StylesCache.__dict__.get("get_inner_outer")
    if method is not _get_inner_outer and hasattr(method, "cache_clear"):
        method.cache_clear()  # drop the widgets it already holds
        StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]
    name = "_get_styles_to_render_cell"
    cell_styles: Any = DataTable.__dict__.get(name)
    if hasattr(cell_styles, "cache_clear") and hasattr(cell_styles, "__wrapped__"):
        cell_styles.cache_clear()
        fixed = _CachePerInstance(cell_styles.__wrapped__, name, CELL_STYLES_CACHE)
        setattr(DataTable, name, fixed)
    textual.dom._watch = _watch_dropping_closed
