"""``pos-tui customers import`` and ``pos-tui customers export``: customers in CSV files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pos_tui.cli import CliState, pass_state
from pos_tui.services.customers.csv_io import (
    CsvFileError,
    CustomerImporter,
    Mapping,
    Plan,
    export_customers,
    load_mapping,
    preset_mapping,
    write_rejects,
)
from pos_tui.text import plain

EXIT_OK, EXIT_REJECTED, EXIT_BAD_FILE = 0, 1, 2


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )


def _fail(message: str) -> None:
    click.echo(f"error: {plain(message)}", err=True)
    sys.exit(EXIT_BAD_FILE)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A TOML file saying which CSV column goes to which field.",
)
@click.option("--preset", help="A shipped mapping, e.g. 'shopify'.")
@click.option("--dry-run", is_flag=True, help="Check every row, store nothing.")
@click.option(
    "--rejects",
    "rejects_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the refused rows here with their row number and reason.",
)
@click.option(
    "--start-row",
    type=click.IntRange(min=2),
    default=2,
    show_default=True,
    help="Skip the rows before this one (to continue an interrupted import).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Rows committed per transaction at most (a batch ends sooner to hold the write "
    "lock under 50 ms: the lanes write between batches).",
)
@pass_state
def import_customers(
    state: CliState,
    file: Path,
    mapping_file: Path | None,
    preset: str | None,
    dry_run: bool,
    rejects_file: Path | None,
    start_row: int,
    batch_size: int,
) -> None:
    """Import customers from a CSV file (UTF-8, with or without BOM).

    Exit code 0: every row imported; 1: some rows were refused (listed); 2: the file or the
    mapping cannot be used.
    """
    if mapping_file and preset:
        _fail("give --mapping or --preset, not both")
    try:
        mapping = (
            load_mapping(mapping_file)
            if mapping_file
            else preset_mapping(preset)
            if preset
            else Mapping()
        )
    except CsvFileError as exc:
        _fail(str(exc))
        return
    if not file.is_file():
        _fail(f"{file}: no such file")
    backend = state.backend()
    importer = CustomerImporter(backend, mapping, batch_size=batch_size)
    console = Console(stderr=True)
    progress = _progress(console)
    task = progress.add_task("importing", total=None)

    def planned(plan: Plan, rows: int) -> None:
        progress.update(task, total=rows)
        for column in plan.ignored:
            click.echo(f"ignored column: {plain(column)}", err=True)
        for column in plan.read_only:
            click.echo(f"read-only column not imported: {plain(column)}", err=True)
        for column in plan.missing:
            click.echo(f"mapped column not in the file: {plain(column)}", err=True)

    try:
        with progress:
            report = importer.run(
                file,
                dry_run=dry_run,
                start_row=start_row,
                progress=lambda n: progress.advance(task, n),
                on_plan=planned,
            )
    except CsvFileError as exc:
        _fail(str(exc))
        return
    except KeyboardInterrupt:
        click.echo(
            "interrupted: rows are committed in batches; run again with --start-row to go on "
            "(rows already imported would be refused as duplicates)",
            err=True,
        )
        sys.exit(130)
    verb = "would import" if dry_run else "imported"
    rate = report.imported / report.seconds if report.seconds else 0.0
    locks = (
        " - dry run, nothing stored, no lane waited"
        if dry_run
        else f", {report.batches} batches, longest lock {report.longest_lock_s * 1000:.0f} ms"
    )
    click.echo(
        f"{verb} {report.imported}, rejected {len(report.rejected)} "
        f"({report.seconds:.1f} s, {rate:.0f} rows/s{locks})"
    )
    for rejected in report.rejected:
        click.echo(f"row {rejected.row}: {plain(rejected.reason)}")
    if rejects_file and report.rejected:
        write_rejects(rejects_file, report)
        click.echo(f"rejected rows written to {plain(rejects_file)}")
    sys.exit(report.exit_code)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--all", "include_inactive", is_flag=True, help="Inactive customers too.")
@pass_state
def export_customers_cmd(state: CliState, file: Path, include_inactive: bool) -> None:
    """Export customers to a CSV file that 'customers import' reads back."""
    backend = state.backend()
    total = backend.customers.count(which="all" if include_inactive else "active")
    console = Console(stderr=True)
    with _progress(console) as progress:
        task = progress.add_task("exporting", total=total)
        try:
            count = export_customers(
                backend,
                file,
                include_inactive=include_inactive,
                progress=lambda n: progress.advance(task, n),
            )
        except OSError as exc:
            _fail(f"{file}: cannot be written: {exc.strerror}")
            return
    click.echo(f"exported {count} customers to {plain(file)}")


def attach(group: click.Group) -> None:
    """Add ``import`` and ``export`` to the ``customers`` group."""
    for command in (import_customers, export_customers_cmd):
        if command.name not in group.commands:
            group.add_command(command)
