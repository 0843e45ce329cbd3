"""The back office: customers, loyalty, receivable and reference data, for supervisors and
managers, keyboard only. ``app.push_screen(BackOfficeScreen())`` opens its menu."""

from pos_tui.screens.backoffice.menu import BackOfficeScreen

__all__ = ["BackOfficeScreen"]
