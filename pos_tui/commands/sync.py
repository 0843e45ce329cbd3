"""``pos-tui sync`` (a lane's agent) and ``pos-tui hq`` (head office set-up and checks)."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click

from pos_tui.cli import CliState, pass_state


def _agent(state: CliState) -> Any:
    from pos_tui.services.sync.agent import SyncAgent, SyncError

    settings = state.settings
    if not settings.database_path().exists():
        raise click.ClickException(f"no database at {settings.database_path()}")
    try:
        return SyncAgent(settings)
    except SyncError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("sync", invoke_without_command=True)
@click.option("--follow", is_flag=True, help="Keep syncing every [sync] interval_seconds.")
@click.option("--cycles", type=int, default=None, help="With --follow: stop after N cycles.")
@click.pass_context
def sync(ctx: click.Context, follow: bool, cycles: int | None) -> None:
    """Push this lane's outbox to head office, then pull what changed there (docs/sync.md)."""
    if ctx.invoked_subcommand is not None:
        return
    state: CliState = ctx.obj
    agent = _agent(state)
    try:
        if follow:
            _follow(agent, cycles)
            return
        try:
            done = agent.cycle()
        except Exception as exc:
            status = agent.status()
            raise click.ClickException(
                f"head office not reached ({exc}); {status.queued} events stay queued"
            ) from None
        click.echo(
            f"pushed {done.pushed} events; pulled {done.pulled} changes "
            f"({done.applied.customers} customers, {done.applied.master} reference rows, "
            f"{done.applied.ledger} ledger rows, {done.applied.flags} flags)"
        )
    finally:
        agent.close()


def _follow(agent: Any, cycles: int | None) -> None:
    from pos_tui.services.sync.agent import run_forever

    stop = threading.Event()

    def show(status: Any) -> None:
        click.echo(
            f"{time.strftime('%H:%M:%S')} {status.line()}"
            + (f" · {status.error}" if status.error else "")
        )

    try:
        run_forever(agent, stop=stop, on_status=show, cycles=cycles)
    except KeyboardInterrupt:
        stop.set()


@sync.command("status")
@pass_state
def sync_status(state: CliState) -> None:
    """Online or not, events queued, the last sync and the last error."""
    from pos_tui.services.sync.agent import read_status
    from pos_tui.storage.sync_outbox import OutboxRepository

    backend = state.backend()
    try:
        status = read_status(OutboxRepository(backend.db), state.settings, backend.now())
        origin = OutboxRepository(backend.db).get_state("origin")
    finally:
        backend.close()
    if not status.configured:
        click.echo(f"sync is off ([sync] url is empty); {status.queued} events queued")
        return
    click.echo(
        f"lane {origin or state.settings.sync.origin or state.settings.lane.id}: {status.line()}"
    )
    if status.error:
        click.echo(f"last error: {status.error}")


@sync.command("flags")
@click.option("--all", "show_all", is_flag=True, help="Resolved flags too.")
@pass_state
def sync_flags(state: CliState, show_all: bool) -> None:
    """Head office's flags for a supervisor, as this lane last pulled them."""
    from pos_tui.services.sync.flags import describe
    from pos_tui.storage.sync_outbox import OutboxRepository

    backend = state.backend()
    try:
        rows = OutboxRepository(backend.db).flags(open_only=not show_all)
        lines = [describe(backend, row) for row in rows]
    finally:
        backend.close()
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("no flags")


# -- head office -------------------------------------------------------------------------------
_URL = click.option(
    "--url",
    envvar="POS_TUI_HQ_URL",
    required=True,
    help="libpq URL of the head office database as its owner (or POS_TUI_HQ_URL).",
)


def _connect(url: str) -> Any:
    try:
        import psycopg
    except ImportError:
        from pos_tui.services.sync.agent import INSTALL_HINT

        raise click.ClickException(INSTALL_HINT) from None
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise click.ClickException(f"cannot connect to head office: {exc}") from None


@click.group("hq")
def hq() -> None:
    """Head office: the PostgreSQL schema, lane roles, chain checks and flags."""


@hq.command("init")
@_URL
def hq_init(url: str) -> None:
    """Create or migrate the head office schema (safe to run again)."""
    from pos_tui.storage.hq import schema

    with _connect(url) as conn:
        done = schema.migrate(conn)
    click.echo(f"applied {', '.join(done)}" if done else "head office schema up to date")


@hq.command("add-lane")
@click.argument("origin")
@_URL
@click.option("--role", default=None, help="Login role (default pos_lane_<origin>).")
@click.option("--store", "store_id", default=None, help="The lane's store id.")
@click.option("--password", default=None, help="Set the role's password.")
def hq_add_lane(
    origin: str, url: str, role: str | None, store_id: str | None, password: str | None
) -> None:
    """A role for one lane database: it may insert its own events and read master data."""
    from pos_tui.storage.hq import schema

    with _connect(url) as conn:
        try:
            lane = schema.add_lane(conn, origin, role=role, password=password, store_id=store_id)
        except schema.HqSetupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"lane {lane.origin} syncs as role {lane.role_name}")


@hq.command("verify")
@_URL
@click.option("--follow", is_flag=True, help="Check again after every push (LISTEN).")
def hq_verify(url: str, follow: bool) -> None:
    """Check every lane's hash chain as it arrived; exit 1 naming each break."""
    from pos_tui.services.sync.verify import verify_chains
    from pos_tui.storage.hq import office

    with _connect(url) as conn:
        while True:
            report = verify_chains(conn)
            for line in report.breaks:
                click.echo(f"chain BROKEN: {line}", err=True)
            for (origin, lane), (number, seal) in sorted(report.heads.items()):
                click.echo(f"lane {lane} ({origin}): intact to sale {number} · {seal[:16]}")
            if not follow:
                if report.breaks:
                    sys.exit(1)
                return
            office.wait_for_sales(conn, 60)


@hq.command("flags")
@_URL
@click.option("--all", "show_all", is_flag=True, help="Resolved flags too.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def hq_flags(url: str, show_all: bool, as_json: bool) -> None:
    """Overdrafts, unique fields taken twice, chain breaks, missing events."""
    from pos_tui.storage.hq import office

    with _connect(url) as conn:
        rows = office.flags(conn, open_only=not show_all)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, default=str, sort_keys=True))
        else:
            state = f"resolved: {row['resolution']}" if row["resolved_at"] else "OPEN"
            click.echo(
                f"#{row['id']} {row['kind']} customer {row['customer_gid'] or '-'} from "
                f"{row['origin'] or '-'} {json.dumps(row['detail'], sort_keys=True)} [{state}]"
            )
    if not rows:
        click.echo("no flags")


@hq.command("resolve")
@click.argument("flag_id", type=int)
@click.option("--note", required=True, help="What was done (kept with the flag).")
@_URL
def hq_resolve(flag_id: int, note: str, url: str) -> None:
    """Close a flag with a note; lanes see it resolved at their next sync."""
    from pos_tui.storage.hq import office

    with _connect(url) as conn:
        if not office.resolve_flag(conn, flag_id, note):
            raise click.ClickException(f"no open flag #{flag_id}")
    click.echo(f"flag #{flag_id} resolved")


@hq.command("status")
@_URL
def hq_status(url: str) -> None:
    """Every lane: its role, events received, last push, sales held."""
    from pos_tui.storage.hq import office

    with _connect(url) as conn:
        rows = office.lane_rows(conn)
    for row in rows:
        when = row["last_push_at"].strftime("%Y-%m-%d %H:%M:%S") if row["last_push_at"] else "never"
        click.echo(
            f"{row['origin']} (store {row['store_id'] or '-'}, role {row['role_name']}): "
            f"{row['last_seq']} events, {row['sales']} sales, last push {when}"
        )


@hq.command("dev")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lane", "lanes", multiple=True, default=("L1",), help="Lanes to add (repeat).")
@click.option("--port", type=int, default=55432, show_default=True)
@click.option("--stop", is_flag=True, help="Stop the server.")
def hq_dev(directory: Path, lanes: tuple[str, ...], port: int, stop: bool) -> None:
    """A local head office for trying sync: a PostgreSQL cluster in DIRECTORY (created on
    first use), its schema and a role per lane; prints each lane's [sync] url."""
    from pos_tui.storage.hq import schema
    from pos_tui.storage.hq.cluster import Cluster, ClusterError

    directory = directory.resolve()
    try:
        if stop:
            Cluster(root=directory, port=port).stop()
            click.echo("head office stopped")
            return
        cluster = Cluster(root=directory, port=port)
        if cluster.pid() is None:
            cluster = Cluster.create(directory, port=port)
    except ClusterError as exc:
        raise click.ClickException(str(exc)) from None
    with _connect(cluster.url()) as conn:
        schema.ensure_database(conn, "pos")
    with _connect(cluster.url("pos")) as conn:
        schema.migrate(conn)
        for origin in lanes:
            lane = schema.add_lane(conn, origin)
            click.echo(f"POS_TUI_SYNC__URL={cluster.url('pos', lane.role_name)}   # lane {origin}")
    click.echo(f"head office: {cluster.url('pos')} (stop: pos-tui hq dev {directory} --stop)")
