"""Import and export from the app, with the CLI's engine and a progress bar."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import ProgressBar, Static

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.import_export import ImportExportScreen
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.backoffice.fields import rows_by_name
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store


def report(app: PosApp) -> str:
    return str(app.screen.query_one("#io-report", Static).render())


async def test_export_then_import_with_progress(
    app: PosApp, backend: Backend, store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "customers.csv"
    incoming = tmp_path / "new.csv"
    incoming.write_text(
        "first_name,last_name,mobile\nNia,North,9000000001\nOli,Owen,9876543210\n", encoding="utf-8"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, ImportExportScreen())
        rows = rows_by_name(app.screen)
        rows["export_path"].value = str(out)
        await pilot.press("f8")
        await settle(pilot)
        assert f"Exported 4 customers to {out}" in report(app)
        bar = app.screen.query_one(ProgressBar)
        assert bar.total == 4 and bar.progress == 4
        rows["import_path"].value = str(incoming)
        await pilot.press("f7")
        await settle(pilot)
        text = report(app)
        assert "Imported 1 customers" in screen_text(pilot)
        assert "Imported 1 customers" in text and "1 rows refused" in text
        assert "already exists with Anna Smith" in text
        assert bar.total == 2 and bar.progress == 2
    assert out.read_text(encoding="utf-8").count("\n") == 5
    assert incoming.with_suffix(".rejects.csv").is_file()
    assert backend.customers.by_mobile("+919000000001") is not None
