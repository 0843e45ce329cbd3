"""Import and export customers from the app, with a progress bar: the same engine as
``pos-tui customers import/export`` (``services.customer_csv``), run on the database thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Label, ProgressBar, Select, Static

from pos_tui.screens.backoffice.base import BackOfficePage, StatusLine
from pos_tui.services.backoffice.customer_list import CustomerListService
from pos_tui.services.customers import csv_io as io
from pos_tui.widgets.backoffice.fields import FieldRow, rows_by_name
from pos_tui.widgets.safe import safe, safe_lines


def presets() -> list[str]:
    """The shipped mapping presets (e.g. shopify)."""
    return sorted(p.stem for p in io.mappings_dir().glob("*.toml"))


class ImportExportScreen(BackOfficePage[None]):
    """F7 imports the file, F8 exports; refused rows go to ``<file>.rejects.csv``."""

    TITLE_TEXT = "Import / export customers"
    DEFAULT_CSS = """
    ImportExportScreen VerticalScroll { height: 1fr; padding: 0 1; }
    ImportExportScreen .section { text-style: bold; margin-top: 1; }
    ImportExportScreen ProgressBar { margin: 1 0; }
    ImportExportScreen #io-report { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("f7", "import_file", "Import", id="backoffice.import"),
        Binding("f8", "export_file", "Export", id="backoffice.export"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        with VerticalScroll():
            yield Label("Import (F7)", classes="section")
            yield FieldRow("import_path", "CSV file to import", "text", placeholder="/path/customers.csv")  # fmt: skip
            yield FieldRow("preset", "Column mapping", "choice", choices=[])
            yield FieldRow("dry_run", "Dry run (check, store nothing)", "flag")
            yield Label("Export (F8)", classes="section")
            yield FieldRow("export_path", "CSV file to write", "text", placeholder="/path/export.csv")  # fmt: skip
            yield FieldRow("include_inactive", "Include inactive customers", "flag")
            yield ProgressBar(total=None, show_eta=False, id="io-progress")
            yield StatusLine("", id="io-status")
            yield Static("", id="io-report")
        yield Footer()

    async def on_mount(self) -> None:
        ok, names = await self.attempt(presets)
        row = rows_by_name(self)["preset"]
        row.choices = [(n, f"preset: {n}") for n in names or []]
        select = row.editor
        if isinstance(select, Select):
            select.set_options([(label, key) for key, label in row.choices])
        rows_by_name(self)["import_path"].focus_editor()
        if not ok:
            self.hint("No mapping presets found: columns are matched by field name")

    def _progress(self, total: int | None) -> ProgressBar:
        bar = self.query_one("#io-progress", ProgressBar)
        bar.update(total=total, progress=0)
        return bar

    def _tick(self, bar: ProgressBar) -> Callable[[int], None]:
        """A progress callback for the database thread: it advances the bar on the UI."""
        app = self.app

        def tick(n: int) -> None:
            app.call_from_thread(bar.advance, n)

        return tick

    async def action_import_file(self) -> None:
        rows = rows_by_name(self)
        path = Path(rows["import_path"].value.strip()).expanduser()
        if not rows["import_path"].value.strip() or not path.is_file():
            rows["import_path"].set_error("Give the path of an existing CSV file")
            return
        rows["import_path"].set_error(None)
        preset = rows["preset"].value
        try:
            mapping = io.preset_mapping(preset) if preset else io.Mapping()
        except io.CsvFileError as exc:
            rows["preset"].set_error(str(exc))
            return
        bar = self._progress(None)
        app = self.app

        def planned(_plan: io.Plan, count: int) -> None:
            app.call_from_thread(bar.update, total=count)

        importer = io.CustomerImporter(self.pos.backend, mapping, employee_id=self.employee_id)
        self.hint(f"Importing {path.name}…")
        try:
            report = await self.pos.call_service(
                importer.run, path, dry_run=rows["dry_run"].value == "1",
                progress=self._tick(bar), on_plan=planned,
            )  # fmt: skip
        except io.CsvFileError as exc:
            self.refuse(str(exc))
            return
        lines = [f"{'Checked' if report.dry_run else 'Imported'} {report.imported} customers in {report.seconds:.1f} s"]  # fmt: skip
        if report.rejected:
            rejects = path.with_suffix(".rejects.csv")
            await self.pos.call_service(io.write_rejects, rejects, report)
            lines.append(f"{len(report.rejected)} rows refused, written to {rejects}:")
            lines += [f"  {r}" for r in report.rejected[:20]]
        lines += [f"ignored column: {c}" for c in report.ignored_columns]
        self.query_one("#io-report", Static).update(safe_lines(lines))
        self.hint(lines[0])
        self.pos.say(lines[0], title="Import")

    async def action_export_file(self) -> None:
        rows = rows_by_name(self)
        text = rows["export_path"].value.strip()
        path = Path(text).expanduser()
        if not text or not path.parent.is_dir():
            rows["export_path"].set_error("Give a file path in an existing folder")
            return
        rows["export_path"].set_error(None)
        inactive = rows["include_inactive"].value == "1"
        ok, total = await self.attempt(CustomerListService(self.pos.backend).count_all, include_inactive=inactive)  # fmt: skip
        if not ok:
            return
        bar = self._progress(total or 0)
        self.hint(f"Exporting {total} customers…")
        ok, count = await self.attempt(
            io.export_customers, self.pos.backend, path, include_inactive=inactive, progress=self._tick(bar)
        )  # fmt: skip
        if ok:
            message = f"Exported {count} customers to {path}"
            self.query_one("#io-report", Static).update(safe(message))
            self.hint(message)
            self.pos.say(message, title="Export")
