"""Store options: the registry against engine.Settings, each kind, refusals, audit rows, the
catalog version that makes a running lane reload, privacy defaults, and ``pos-tui options``."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest
from click.testing import CliRunner

from pos_tui import engine
from pos_tui.engine.settings import PercentCombination
from pos_tui.services.backoffice.customer_list import load_form
from pos_tui.services.backoffice.store_options import (
    BY_KEY,
    ENGINE_FIELDS_ELSEWHERE,
    GROUPS,
    OPTIONS,
    OTHER,
    StoreOption,
    StoreOptionsService,
    parse,
)
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.setup import StoreSetup
from pos_tui.services.staff.auth import AuthService, Employee
from tests.catalog import Store, build_store
from tests.helpers import cli_runner_invoke


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


@pytest.fixture
def manager(backend: Backend, store: Store) -> Employee:
    StoreSetup(backend).add_employee("301", "Max Manager", "manager", "3456")
    return AuthService(backend).sign_in("301", "3456")


def option_audit(backend: Backend) -> list[dict[str, object]]:
    rows = backend.db.execute(
        "SELECT employee_id, action, changes FROM audit_log WHERE entity = 'store_option' "
        "ORDER BY id"
    ).fetchall()
    return [{"employee_id": e, "action": a, **json.loads(c)} for e, a, c in rows]


# -- the registry ----------------------------------------------------------------------------
def test_every_engine_setting_is_an_option_with_its_default_and_choices() -> None:
    defaults = engine.Settings()
    for f in dataclasses.fields(engine.Settings):
        if f.name in ENGINE_FIELDS_ELSEWHERE:
            assert f"engine.{f.name}" not in BY_KEY
            continue
        option = BY_KEY[f"engine.{f.name}"]
        assert option.group != OTHER, f"{f.name} needs a label, group and help"
        assert option.help, f.name
        value = getattr(defaults, f.name)
        expected = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        assert option.default == expected, f.name
    assert BY_KEY["engine.percent_combination"].choices == get_args(PercentCombination)
    assert "ROUND_HALF_EVEN" in BY_KEY["engine.rounding"].choices


def test_the_option_dialog_is_covered_in_its_groups() -> None:
    groups = {o.key: o.group for o in OPTIONS}
    assert [groups[f"engine.validate_{k}"] for k in ("card_expiry", "due_over_credit_limit", "due_over_zero")] == ["Card status validation"] * 3  # fmt: skip
    assert BY_KEY["customers.method_of_input"].choices == ("keyboard", "list", "num_pad", "smart_card")  # fmt: skip
    assert groups["customers.track_in_out"] == "Track in or out"
    assert groups["customers.privacy_show_crm_points"] == "Privacy (new customers)"
    assert groups["engine.allow_downgrade"] == "CRM: card type point ranges"
    assert [o.group for o in OPTIONS] == sorted((o.group for o in OPTIONS), key=GROUPS.index)
    assert all(len(o.label) < 30 for o in OPTIONS), "labels fit the form's label column"


# -- values and saving -------------------------------------------------------------------------
def test_values_are_the_defaults_until_set(backend: Backend, store: Store) -> None:
    service = StoreOptionsService(backend)
    assert service.values() == {o.key: o.default for o in OPTIONS}
    backend.store.set_setting("engine.validate_card_expiry", "1")
    backend.store.set_setting("engine.tax_rounding", "bogus")  # written by hand
    values = service.values()
    assert values["engine.validate_card_expiry"] == "yes"
    assert values["engine.tax_rounding"] == "bogus", "shown as stored, so it can be fixed"


def test_save_each_kind_and_how_it_is_stored(
    backend: Backend, store: Store, manager: Employee
) -> None:
    service = StoreOptionsService(backend)
    changed = service.save(
        {
            "engine.validate_due_over_zero": True,
            "customers.card_number_allow_hex": "Yes",
            "customers.method_of_input": "Num Pad",
            "engine.rounding": "round_half_even",
            "engine.default_terms_days": "30",
            "customers.account_number_start": 5001,
        },
        manager,
    )
    assert changed["customers.method_of_input"] == ("keyboard", "num_pad")
    assert changed["engine.default_terms_days"] == ("0", "30")
    setting = backend.store.setting
    assert setting("engine.validate_due_over_zero") == "true", "the engine reads true/false"
    assert setting("customers.card_number_allow_hex") == "1", "the customer rules read 1/0"
    assert setting("engine.rounding") == "ROUND_HALF_EVEN"
    assert setting("customers.account_number_start") == "5001"
    assert service.values()["engine.validate_due_over_zero"] == "yes"
    assert service.save({"customers.method_of_input": "num_pad"}, manager) == {}
    created = CustomerService(backend).create({"first_name": "Hex", "card_number": "04A1B2C3D4"})
    assert backend.customers.get(created).card_number == "04A1B2C3D4"  # type: ignore[union-attr]


def test_a_decimal_option_parses_exactly() -> None:
    option = StoreOption("x.limit", "Store limit", "Receivable policy", "decimal", "0", minimum=Decimal(0))  # fmt: skip
    assert parse(option, "12.50") == "12.50"
    for bad, message in (("abc", "must be a number"), ("-1", "at least 0"), ("NaN", "must be a number")):  # fmt: skip
        with pytest.raises(FieldError, match=message):
            parse(option, bad)
    with pytest.raises(FieldError, match="not a float"):
        parse(option, 1.5)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("engine.tax_rounding", "nope", "Round tax per: 'nope' is not one of line, sale"),
        ("engine.points_places", "9", "Points decimal places must be between 0 and 8, not 9"),
        ("engine.financial_year_start_month", "April", "must be a whole number, not 'April'"),
        ("customers.track_in_out", "maybe", "Track in or out: 'maybe' is not yes or no"),
        ("customers.method_of_input", "telepathy", "not one of keyboard, list, num_pad, smart"),
        ("customers.account_number_start", "0", "First account number must be at least 1"),
        ("engine.colour", "red", "Unknown store option 'engine.colour'"),
    ],
)
def test_bad_values_are_refused_naming_the_option(
    backend: Backend, store: Store, manager: Employee, key: str, value: str, message: str
) -> None:
    service = StoreOptionsService(backend)
    with pytest.raises(FieldError, match=message) as refused:
        service.save({"engine.validate_card_expiry": "yes", key: value}, manager)
    assert refused.value.field == key
    assert backend.store.setting("engine.validate_card_expiry") is None, "nothing is written"
    assert option_audit(backend) == []


def test_only_a_manager_saves(backend: Backend, store: Store) -> None:
    with pytest.raises(FieldError, match="Sue Supervisor is a supervisor: only a manager"):
        StoreOptionsService(backend).save({"customers.track_in_out": "yes"}, store.supervisor)
    assert backend.store.setting("customers.track_in_out") is None


def test_each_change_is_audited_and_bumps_the_catalog_version(
    backend: Backend, store: Store, manager: Employee
) -> None:
    version = backend.catalog.version()
    service = StoreOptionsService(backend)
    service.save({"engine.validate_card_expiry": "yes", "engine.allow_downgrade": "no"}, manager)
    assert backend.catalog.version() == version + 1
    expected = {"key": "engine.validate_card_expiry", "old": "no", "new": "yes"}
    assert option_audit(backend) == [
        {"employee_id": manager.id, "action": "set", **expected, "via": "back office"}
    ], "an unchanged value is not written or audited"
    service.save({"engine.validate_card_expiry": "no"}, manager)
    assert option_audit(backend)[-1]["old"] == "yes"
    assert backend.catalog.version() == version + 2


def test_a_running_lane_refuses_an_expired_card_once_validation_is_on(
    backend: Backend, store: Store, manager: Employee
) -> None:
    CustomerService(backend).update(
        store.corp, {"card_issue_date": "2025-01-01", "card_expiry_date": "2026-01-01"}
    )
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE")
    co.add_account("105.00", pin="4321", reference="PO-1")  # validation off: allowed
    co.remove_tender(0)
    assert co.inputs.settings().validate_card_expiry is False
    StoreOptionsService(backend).save({"engine.validate_card_expiry": "yes"}, manager)
    co.inputs.refresh()
    assert co.inputs.settings().validate_card_expiry is True
    with pytest.raises(CheckoutError) as refused:
        co.add_account("105.00", pin="4321", reference="PO-1")
    assert refused.value.code == "CARD_EXPIRED"
    assert "card expired on 2026-01-01" in refused.value.message


def test_privacy_defaults_fill_new_customers(
    backend: Backend, store: Store, manager: Employee
) -> None:
    StoreOptionsService(backend).save({"customers.privacy_show_crm_points": "no"}, manager)
    new = CustomerService(backend).create({"first_name": "Pia", "last_name": "Private"})
    row = backend.customers.get(new)
    assert row is not None
    assert (row.privacy_show_crm_points, row.privacy_show_other_info) == (0, 1)
    kept = CustomerService(backend).create({"first_name": "Ola", "privacy_show_crm_points": True})
    assert backend.customers.get(kept).privacy_show_crm_points == 1  # type: ignore[union-attr]
    form = load_form(backend, None)
    assert form.values["privacy_show_crm_points"] == "0"
    assert form.values["privacy_show_other_info"] == "1"


# -- pos-tui options ---------------------------------------------------------------------------
def test_cli_lists_and_sets_options(backend: Backend, store: Store, db_path: Path) -> None:
    runner = CliRunner()
    listed = cli_runner_invoke(runner, ["--db", str(db_path), "options", "list"])
    assert listed.exit_code == 0, listed.output
    line = next(ln for ln in listed.output.splitlines() if "engine.validate_card_expiry" in ln)
    assert line.split()[1:3] == ["no", "no"] and "Card status validation: Card expiry date" in line
    assert len(listed.output.splitlines()) == len(OPTIONS) + 1
    done = cli_runner_invoke(
        runner, ["--db", str(db_path), "options", "set", "customers.track_in_out", "yes"]
    )
    assert done.exit_code == 0, done.output
    assert "customers.track_in_out: no -> yes" in done.output
    assert backend.store.setting("customers.track_in_out") == "1"
    (entry,) = option_audit(backend)
    assert entry["via"] == "cli" and entry["employee_id"] is None and entry["new"] == "yes"
    listed = cli_runner_invoke(runner, ["--db", str(db_path), "options", "list"])
    assert "* customers.track_in_out" in listed.output


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("engine.nope", "1", "Unknown store option 'engine.nope'"),
        ("engine.tax_rounding", "sometimes", "Round tax per: 'sometimes' is not one of line, sale"),
    ],
)
def test_cli_refuses_a_bad_key_or_value_with_exit_2(
    backend: Backend, store: Store, db_path: Path, key: str, value: str, message: str
) -> None:
    result = cli_runner_invoke(CliRunner(), ["--db", str(db_path), "options", "set", key, value])
    assert result.exit_code == 2
    assert message in result.output
    assert option_audit(backend) == []
