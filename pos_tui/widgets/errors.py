"""The lane's one error policy: an unexpected error is logged, said in one short line, and the
screen carries on with the sale it had.

Textual ends the whole app on an error nothing handled: in a worker (``WorkerFailed``) or in a
message handler (which also stops that screen's message loop). ``PosApp.report_error`` is the one
handler; it is reached from every worker (``PosApp._handle_exception``) and from every handler
of the app and of its screens (``ContainErrors._on_message``), so no call site needs its own
``except Exception``. The traceback goes to the log file without the frames' locals (they may
hold a PIN); the cashier reads the kind of error and that the sale is kept.
"""

from __future__ import annotations

import logging

from textual.message import Message
from textual.message_pump import MessagePump

log = logging.getLogger("pos_tui.errors")

# A message about an error is read on a lane, not a console: one short line.
_MAX_DETAIL = 80


def error_line(error: BaseException) -> str:
    """What the cashier reads: the kind of error and its first line, kept short."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(detail) > _MAX_DETAIL:
        detail = detail[: _MAX_DETAIL - 1] + "…"
    kind = type(error).__name__
    text = f"{kind}: {detail}" if detail else kind
    return f"Unexpected error ({text}); it was logged. The sale and what was typed are kept."


def log_error(error: BaseException, *, where: str) -> None:
    # exc_info prints the traceback lines only (no locals): no PIN typed reaches the log.
    log.error("unexpected error in %s", where, exc_info=(type(error), error, error.__traceback__))


class ContainErrors(MessagePump):
    """A message pump (screen or app) whose handlers' unexpected errors go to the app's one
    handler instead of ending the app."""

    async def _on_message(self, message: Message) -> None:
        try:
            await super()._on_message(message)
        except Exception as error:
            report = getattr(self.app, "report_error", None)
            if not callable(report):  # not inside the lane app: Textual's own handling
                raise
            report(error, where=f"{type(self).__name__}.{message.handler_name}")
