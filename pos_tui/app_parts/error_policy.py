"""The one error policy (widgets/errors.py): an unexpected error is logged, said in one line,
and the lane carries on with its sale; one that ends the app never shows local variables."""

from __future__ import annotations

from pos_tui.app_parts.base import LaneAppBase
from pos_tui.widgets.errors import error_line, log_error


class ErrorPolicy(LaneAppBase):
    def report_error(self, error: BaseException, *, where: str) -> None:
        """An unexpected error anywhere in the lane: logged, said in one line (on the screen's
        message line too when it has one), and the lane carries on with its sale."""
        from pos_tui.screens.service_calls import ServiceScreen

        log_error(error, where=where)
        self.say(error_line(error), title="Error", severity="error")
        screen = self.screen if self.is_running else None
        if isinstance(screen, ServiceScreen):
            screen.say_on_line("Unexpected error: see the log", error=True)

    def _handle_exception(self, error: Exception) -> None:
        # Textual ends the app on any error nothing handled. A worker's error (a service call,
        # a search, a print) has ended only that worker: report it and carry on. Anything
        # else (a screen that cannot even be built) still ends the app, without locals.
        from textual.worker import WorkerFailed

        if isinstance(error, WorkerFailed) and self.is_running:
            self.report_error(error.error, where="worker")
            return
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """An error nothing handled ends the app with its traceback, like Textual's own, but
        without the frames' local variables: they may hold a PIN or card data."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()
