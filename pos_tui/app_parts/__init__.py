"""The parts of the lane's app (``pos_tui/app.py`` composes them), one responsibility each.

Each is a mixin over :class:`~pos_tui.app_parts.base.LaneAppBase`, the state they share:
``devices`` (device events and keyboard wedges), ``notices`` (every notice on the
checkout's message line or a toast, kept for F1), ``after_sale`` (printing, the cash drawer),
``head_office`` (sync), ``staff`` (who is signed in), ``error_policy`` (the one error handler),
``help_palette`` (F1 and the command palette) and ``kiosk`` (the lane as a kiosk). They import
no more than the sign-in screen needs: the rest loads when first used.
"""
