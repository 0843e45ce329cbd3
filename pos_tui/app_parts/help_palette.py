"""F1 (every key of the screen) and the command palette's lane commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

from pos_tui.app_parts.base import LaneAppBase


class HelpAndPalette(LaneAppBase):
    def action_help(self) -> None:
        from pos_tui.screens.help import HelpScreen, key_rows

        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
            return
        name = type(screen).__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(name, key_rows(screen), self.notices.recent()))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from self.lane_commands(screen)
        yield from super().get_system_commands(screen)

    def lane_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette's commands of the lane itself (the checkout's actions)."""
        from pos_tui.screens.checkout import CheckoutScreen

        if isinstance(screen, CheckoutScreen):
            for title, help_text, action in screen.palette():
                yield SystemCommand(title, help_text, lambda a=action: screen.run_palette(a))
