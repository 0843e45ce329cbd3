"""Config sources beyond tests/test_config.py: environment values (JSON tables, lax types) and
errors that name the file or the environment variable that set the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_tui.config import ConfigError, load_settings


def test_environment_takes_tables_as_json_and_keys_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lane = tmp_path / "lane.toml"
    lane.write_text('[lane]\nid = "C"\nstore_id = "CS"\n')
    monkeypatch.setenv("POS_TUI_LANE", '{"store_id": "J"}')
    monkeypatch.setenv("pos_tui_lane__location", "NORTH")  # names are case-insensitive
    monkeypatch.setenv("POS_TUI_DATABASE__BUSY_TIMEOUT_MS", " 250 ")
    monkeypatch.setenv("POS_TUI_RECEIPT__HEADER", '["Shop", "Street 1"]')
    monkeypatch.setenv("POS_TUI_DEVICES__PRINTER__KIND", "network")
    monkeypatch.setenv("POS_TUI_DEVICES__PRINTER__HOST", "10.0.0.9")
    monkeypatch.setenv("POS_TUI_KEYMAP__CHECKOUT.PAY", "f11")
    monkeypatch.setenv("POS_TUI_DB", "/not/a/setting")  # the --db shortcut, not a table
    s = load_settings(lane)
    assert (s.lane.id, s.lane.store_id, s.lane.location) == ("C", "J", "NORTH")
    assert s.database.busy_timeout_ms == 250
    assert s.receipt.header == ["Shop", "Street 1"]
    assert s.devices.printer.model_dump() == {"kind": "network", "host": "10.0.0.9"}
    assert s.keymap == {"checkout.pay": "f11"}


def test_values_convert_as_before(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        '[database]\nbusy_timeout_ms = 7.0\n[devices.printer]\nkind = "usb"\nvendor_id = 0x04b8\n'
    )
    s = load_settings(good)
    assert s.database.busy_timeout_ms == 7 and s.devices.printer.vendor_id == 0x04B8
    bad = tmp_path / "bad.toml"
    bad.write_text("[lane]\nid = 3\n")  # a number is not a lane id
    with pytest.raises(ConfigError, match=r"lane\.id"):
        load_settings(bad)


def test_errors_name_the_file_and_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[lane]\nshoe = "x"\n[currency]\nminor_unit = 9\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(bad)
    message = str(caught.value)
    assert f"lane.shoe (from {bad})" in message
    assert f"currency.minor_unit (from {bad})" in message


def test_errors_name_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_TUI_CURRENCY__MINOR_UNIT", "9")
    with pytest.raises(ConfigError, match="environment variable POS_TUI_CURRENCY__MINOR_UNIT"):
        load_settings()
    monkeypatch.delenv("POS_TUI_CURRENCY__MINOR_UNIT")
    monkeypatch.setenv("POS_TUI_LANE", "{id")
    with pytest.raises(ConfigError, match="POS_TUI_LANE: not valid JSON"):
        load_settings()
