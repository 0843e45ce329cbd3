"""Config: shipped defaults < user file < --config < environment; bad files say why."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_tui.config import ConfigError, load_settings, user_config_file


def test_shipped_defaults_load() -> None:
    s = load_settings()
    assert s.lane.id == "L1" and s.currency.minor_unit == 2
    assert s.devices.printer.kind == "none"
    assert s.database_path().name == "pos-tui.db"


def test_precedence_user_file_then_config_then_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = user_config_file()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text('[lane]\nid = "U"\nstore_id = "US"\n[receipt]\npaper = "58mm"\n')
    extra = tmp_path / "lane.toml"
    extra.write_text('[lane]\nid = "C"\n[devices.printer]\nkind = "network"\nhost = "10.0.0.9"\n')
    s = load_settings(extra)
    assert (s.lane.id, s.lane.store_id, s.receipt.paper) == ("C", "US", "58mm")
    assert s.devices.printer.kind == "network"
    assert s.sources[-1] == str(extra)
    monkeypatch.setenv("POS_TUI_LANE__ID", "E")
    assert load_settings(extra).lane.id == "E"


def test_tests_never_see_the_developers_config(isolated_paths: Path) -> None:
    assert str(user_config_file()).startswith(str(isolated_paths))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[lane\nid=1", "not valid TOML"),
        ('[lane]\nshoe = "x"\n', "shoe"),
        ("[currency]\nminor_unit = 9\n", "minor_unit"),
        ('[receipt]\npaper = "A4"\n', "paper"),
    ],
)
def test_bad_config_files_are_named(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(bad)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_settings(tmp_path / "nope.toml")
