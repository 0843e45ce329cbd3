"""The statement run in the back office: the statement date (the store's latest statement day
by default), F7 runs it (close the period, print and e-mail), and each customer's statement."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Label

from pos_tui.screens.backoffice.base import BackOfficePage, StatusLine
from pos_tui.services.accounts.statements import RunReport, StatementRun
from pos_tui.widgets.safe import safe


class StatementRunScreen(BackOfficePage[None]):
    TITLE_TEXT = "Statement run"
    DEFAULT_CSS = """
    StatementRunScreen .bar { height: 1; margin: 0 1; }
    StatementRunScreen .bar Input { width: 16; margin-right: 2; }
    StatementRunScreen #statements { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("f7", "run", "Run statements", id="backoffice.statement_run"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        with Horizontal(classes="bar"):
            yield Label("Statement date ")
            yield Input(id="as-of", compact=True, restrict=r"[0-9\-]*")
        yield StatusLine("F7 closes the period up to the date, prints and e-mails", id="run-status")
        table: DataTable[Text] = DataTable(id="statements", cursor_type="row", zebra_stripes=True)
        for label in (
            "Account",
            "Name",
            "Brought",
            "Charges",
            "Credits",
            "Due",
            "By",
            "Paper",
            "E-mail",
        ):
            table.add_column(label)
        yield table
        yield Footer()

    async def on_mount(self) -> None:
        ok, day = await self.attempt(StatementRun(self.pos.backend).default_date)
        if ok and day is not None:
            self.query_one("#as-of", Input).value = day.isoformat()
        self.query_one("#as-of", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_run()

    async def action_run(self) -> None:
        text = self.query_one("#as-of", Input).value.strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self.refuse(f"The statement date must be YYYY-MM-DD, not {text!r}")
            return
        run = StatementRun(self.pos.backend)
        ok, report = await self.attempt(
            run.run, day, employee_id=self.employee_id, via="back office"
        )
        if not ok or report is None:
            return
        self.show(report)
        self.pos.kick_printing()

    def show(self, report: RunReport) -> None:
        table = self.query_one("#statements", DataTable)
        table.clear()
        for line in report.lines:
            cells = (line.account, line.name, line.opening, line.charges, line.credits, line.closing, line.due_date or "", line.print_status, line.email_status)  # fmt: skip
            table.add_row(*(safe(c) for c in cells))
        what = "closed" if report.new else "already run: nothing closed again"
        summary = f"{report.statement_date}: {what} · {len(report.lines)} statements · due {report.total_due}"
        if report.problems:
            summary += " · " + "; ".join(report.problems)
        self.hint(summary)
        for problem in report.problems:
            self.pos.say(problem, title="Statements", severity="warning")
        table.focus()
