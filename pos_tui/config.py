"""Configuration: shipped TOML defaults < user file < --config file < environment.

The schema is a set of ``msgspec.Struct`` classes, validated in msgspec's lax mode (``"5000"``
is an int, ``5`` is not a string, unknown keys are refused): msgspec imports in a few ms where
pydantic-settings cost the lane ~70 ms and ~12 MB before its first frame. The code here only
finds and merges the sources, reads ``POS_TUI_<SECTION>__<KEY>`` variables (a whole table may
come as JSON: ``POS_TUI_LANE='{"id": "3"}'``; blanks around a number are ignored) and
names, in an error, the key and the file or environment variable that set it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import msgspec

APP_NAME = "pos-tui"
ENV_PREFIX = "POS_TUI_"
_NESTED = "__"
_MAX_ERRORS = 50

_Keys = tuple[str, ...]


class DeviceConfig:
    """One device; ``kind = "none"`` disables it. Driver-specific keys pass through."""

    kind: str

    def __init__(self, kind: str = "none", **extra: Any) -> None:
        self.__dict__.update(kind=kind, **extra)

    def __getattr__(self, name: str) -> Any:  # driver-specific keys, for the type checker
        raise AttributeError(name)

    def model_dump(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DeviceConfig):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __repr__(self) -> str:
        return f"DeviceConfig({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"


class _Section(msgspec.Struct, forbid_unknown_fields=True):
    def model_dump(self) -> dict[str, Any]:
        """The values as plain data (tables as dicts, device keys included)."""
        dumped: dict[str, Any] = msgspec.to_builtins(self, enc_hook=DeviceConfig.model_dump)
        return dumped


class LaneConfig(_Section):
    id: str = "L1"
    store_id: str = "S1"
    location: str = "MAIN"
    # Who may open the drawer with no sale; anyone below needs that role's PIN (docs/hardware.md).
    no_sale_role: Literal["cashier", "supervisor", "manager"] = "supervisor"
    # How a typed or scanned SKU is matched: as the store's codes are printed ("abc-1" finds
    # ABC-1), or exactly as stored.
    sku_case: Literal["insensitive", "exact"] = "insensitive"


class StoreConfig(_Section):
    """The store the lane is in: what a number typed without its country code means."""

    # Two-letter region (ISO 3166) of phone numbers typed without a country code (pos_tui/phones.py).
    phone_region: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")] = "IN"


class DatabaseConfig(_Section):
    path: str = ""
    busy_timeout_ms: Annotated[int, msgspec.Meta(ge=0)] = 5000


class CurrencyConfig(_Section):
    code: str = "INR"
    symbol: str = "Rs."
    minor_unit: Annotated[int, msgspec.Meta(ge=0, le=4)] = 2
    locale: str = "en_IN"
    # The notes and coins a till is counted in, largest first (shift floats and counts).
    denominations: list[str] = msgspec.field(
        default_factory=lambda: ["2000", "500", "200", "100", "50", "20", "10", "5", "2", "1"]
    )


class ReceiptConfig(_Section):
    header: list[str] = []
    footer: list[str] = []
    paper: Literal["58mm", "80mm"] = "80mm"


class StatementsConfig(_Section):
    """Where the statement run puts hard copies, and how wide its text is."""

    # printer: the lane's receipt printer (ESC/POS); file: a text file per customer for a
    # report printer, in ``directory`` (empty: the data dir's ``statements``).
    hard_copy: Literal["printer", "file"] = "printer"
    directory: str = ""
    # Characters per line of a statement file or e-mail (receipts use the paper's width).
    width: Annotated[int, msgspec.Meta(ge=40, le=132)] = 64


class SmtpConfig(_Section):
    """The mail server statements are e-mailed through (empty host: none, e-mails wait)."""

    host: str = ""
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 25
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str = ""
    password: str = ""
    sender: str = ""
    timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 10.0


class LockoutConfig(_Section):
    """PIN tries: after ``max_failures`` wrong PINs in a row the employee, customer account
    or lane waits ``first_delay_seconds``; each further wrong PIN waits ``multiplier`` times
    longer, never more than ``max_delay_seconds``. A right PIN or a supervisor clears it."""

    max_failures: Annotated[int, msgspec.Meta(ge=1)] = 5
    first_delay_seconds: Annotated[int, msgspec.Meta(ge=1)] = 30
    multiplier: Annotated[int, msgspec.Meta(ge=1)] = 2
    max_delay_seconds: Annotated[int, msgspec.Meta(ge=1)] = 3600


class ShiftsConfig(_Section):
    """Opening and counting the till (docs/shifts.md)."""

    # How the opening float is entered: one amount, or counted by denomination.
    float_entry: Literal["amount", "denominations"] = "amount"
    # The float offered at opening (the cashier may change it).
    default_float: str = "2000.00"
    # Reason codes for paid in and paid out: code -> label.
    paid_in_reasons: dict[str, str] = msgspec.field(
        default_factory=lambda: {"FLOAT": "Float top-up", "OTHER": "Other"}
    )
    paid_out_reasons: dict[str, str] = msgspec.field(
        default_factory=lambda: {"SUPPLIES": "Shop supplies", "OTHER": "Other"}
    )


class DevicesConfig(_Section):
    printer: DeviceConfig = msgspec.field(default_factory=DeviceConfig)
    card_reader: DeviceConfig = msgspec.field(default_factory=DeviceConfig)
    scanner: DeviceConfig = msgspec.field(default_factory=DeviceConfig)
    magstripe: DeviceConfig = msgspec.field(default_factory=DeviceConfig)
    pole_display: DeviceConfig = msgspec.field(default_factory=DeviceConfig)
    drawer: DeviceConfig = msgspec.field(default_factory=DeviceConfig)


class KioskConfig(_Section):
    """``pos-tui kiosk``: the lane an SSH ForceCommand or a console runs (docs/kiosk.md)."""

    # Lane id by the Unix account the session runs as (one account per lane).
    accounts: dict[str, str] = {}
    # Lane id by the SHA256 fingerprint of the SSH key that signed in (sshd `ExposeAuthInfo`).
    keys: dict[str, str] = {}
    # What a client may ask for (`ssh lane1@host CMD`): "" is a plain `ssh -t lane1@host`.
    allowed_commands: list[str] = msgspec.field(default_factory=lambda: [""])
    # Terminals shown without colour (real VT100/VT220s are monochrome; `NO_COLOR` does the same).
    monochrome_terms: list[str] = msgspec.field(
        default_factory=lambda: ["vt52", "vt100", "vt102", "vt220", "vt320"]
    )
    # More crashes than this within the window and the kiosk stops restarting the lane.
    restart_limit: Annotated[int, msgspec.Meta(ge=0)] = 5
    restart_window_seconds: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    # Seconds the crash message stays up before the lane restarts.
    restart_delay_seconds: Annotated[float, msgspec.Meta(ge=0)] = 2.0


class SyncConfig(_Section):
    """Head office sync (docs/sync.md). Off while ``url`` is empty."""

    # A libpq URL with this lane's role, e.g. "postgresql://pos_lane_l1@hq.example/pos".
    url: str = ""
    # This database's name at head office; empty: the lane id. Bound on the first sync.
    origin: str = ""
    interval_seconds: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    batch_size: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 500
    connect_timeout_seconds: Annotated[int, msgspec.Meta(ge=1)] = 5
    # Without a successful sync for this long the lane counts as offline.
    offline_after_seconds: Annotated[int, msgspec.Meta(ge=1)] = 60
    # While offline: the share of the last known points balance a customer may redeem, and of
    # the last known available credit they may charge (0 to 1).
    offline_redeem_share: Decimal = Decimal("0.5")
    offline_charge_share: Decimal = Decimal("0.5")

    def __post_init__(self) -> None:
        for name in ("offline_redeem_share", "offline_charge_share"):
            if not 0 <= getattr(self, name) <= 1:  # Decimal compares with int exactly
                raise ValueError(f"`{name}` must be between 0 and 1")


class Settings(_Section):
    """Everything a lane is configured with (``load_settings`` builds it)."""

    lane: LaneConfig = msgspec.field(default_factory=LaneConfig)
    store: StoreConfig = msgspec.field(default_factory=StoreConfig)
    database: DatabaseConfig = msgspec.field(default_factory=DatabaseConfig)
    currency: CurrencyConfig = msgspec.field(default_factory=CurrencyConfig)
    receipt: ReceiptConfig = msgspec.field(default_factory=ReceiptConfig)
    lockout: LockoutConfig = msgspec.field(default_factory=LockoutConfig)
    devices: DevicesConfig = msgspec.field(default_factory=DevicesConfig)
    statements: StatementsConfig = msgspec.field(default_factory=StatementsConfig)
    smtp: SmtpConfig = msgspec.field(default_factory=SmtpConfig)
    kiosk: KioskConfig = msgspec.field(default_factory=KioskConfig)
    sync: SyncConfig = msgspec.field(default_factory=SyncConfig)
    shifts: ShiftsConfig = msgspec.field(default_factory=ShiftsConfig)
    keymap: dict[str, str] = {}
    # Set by load_settings: the files that were read, lowest priority first.
    sources: list[str] = []

    def model_dump(self) -> dict[str, Any]:
        out = super().model_dump()
        del out["sources"]  # bookkeeping, not configuration
        return out

    def database_path(self) -> Path:
        if self.database.path:
            return Path(self.database.path).expanduser()
        return data_dir() / "pos-tui.db"

    def statements_dir(self) -> Path:
        if self.statements.directory:
            return Path(self.statements.directory).expanduser()
        return data_dir() / "statements"


def _device(type_: type, value: Any) -> Any:
    """msgspec's hook for ``DeviceConfig``: a table whose ``kind`` is a string."""
    if type_ is not DeviceConfig:  # the schema has no other custom type
        raise TypeError(f"no decoder for {type_!r}")
    if isinstance(value, DeviceConfig):
        return value
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise TypeError(f"Expected a table, got `{type(value).__name__}`")
    if not isinstance(value.get("kind", "none"), str):
        raise TypeError(f"Expected `kind` to be a `str`, got `{type(value['kind']).__name__}`")
    return DeviceConfig(**value)


class ConfigError(Exception):
    """A config file could not be read or did not validate."""


def config_dir() -> Path:
    override = os.environ.get("POS_TUI_CONFIG_DIR")
    return Path(override) if override else Path(_platformdirs().user_config_dir(APP_NAME))


def data_dir() -> Path:
    override = os.environ.get("POS_TUI_DATA_DIR")
    return Path(override) if override else Path(_platformdirs().user_data_dir(APP_NAME))


def _platformdirs() -> Any:
    # Loaded only where no POS_TUI_CONFIG_DIR / POS_TUI_DATA_DIR says (~5 ms of a command).
    import platformdirs

    return platformdirs


def user_config_file() -> Path:
    return config_dir() / "config.toml"


def shipped_defaults_file() -> Path:
    """The defaults in ``config/``: inside the wheel, or beside the package in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (
        here / "_shipped_config" / "default.toml",
        here.parent / "config" / "default.toml",
    ):
        if candidate.is_file():
            return candidate
    raise ConfigError("shipped config/default.toml is missing from the installation")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from exc


def _merge(
    base: dict[str, Any], over: Mapping[str, Any], origins: dict[_Keys, str], source: str
) -> dict[str, Any]:
    """``over`` on top of ``base``, table by table (tables copied); ``origins`` learns who set
    each key."""

    def merge(base: dict[str, Any], over: Mapping[str, Any], at: _Keys) -> dict[str, Any]:
        out = dict(base)
        for key, value in over.items():
            if isinstance(value, Mapping):
                below = out.get(key)
                value = merge(below if isinstance(below, dict) else {}, value, (*at, key))
            out[key] = value
            origins[(*at, key)] = source
        return out

    return merge(base, over, ())


def _declared(type_: Any, key: str) -> Any:
    """The declared type of ``key`` inside a value of ``type_`` (None: not declared)."""
    if isinstance(type_, type) and issubclass(type_, msgspec.Struct):
        return next((f.type for f in msgspec.structs.fields(type_) if f.name == key), None)
    return get_args(type_)[1] if get_origin(type_) is dict else None


def _takes_json(type_: Any) -> bool:
    is_table = isinstance(type_, type) and issubclass(type_, msgspec.Struct | DeviceConfig)
    return is_table or get_origin(type_) in (list, dict)


def _environment(base: dict[str, Any], origins: dict[_Keys, str]) -> dict[str, Any]:
    """``POS_TUI_*`` variables on top of ``base``: names are case-insensitive, ``__`` goes one
    table down, and a key declared as a table, list or map takes JSON."""
    found: list[tuple[list[str], str, str]] = []
    for var, text in os.environ.items():
        keys = var[len(ENV_PREFIX) :].lower().split(_NESTED)
        if var.upper().startswith(ENV_PREFIX) and _declared(Settings, keys[0]) is not None:
            found.append((keys, var, text))
    for keys, var, text in sorted(found, key=lambda item: len(item[0])):  # tables, then keys
        type_: Any = Settings
        for key in keys:
            type_ = _declared(type_, key) if type_ is not None else None
        value: Any = text if type_ in (str, None) else text.strip()  # " 250 " is a number
        if value and _takes_json(type_):
            try:
                value = msgspec.json.decode(value)
            except msgspec.DecodeError as exc:
                raise ConfigError(f"environment variable {var}: not valid JSON ({exc})") from None
        for key in reversed(keys):
            value = {key: value}
        base = _merge(base, value, origins, f"environment variable {var}")
    return base


def _validate(merged: dict[str, Any], origins: Mapping[_Keys, str]) -> Settings:
    """``merged`` as Settings; each bad key is reported (with who set it), then dropped so
    that the next one is found too."""
    errors: list[str] = []
    while len(errors) < _MAX_ERRORS:
        try:
            settings = msgspec.convert(merged, Settings, strict=False, dec_hook=_device)
        except msgspec.ValidationError as exc:
            message, _, where = str(exc).partition(" - at `$")
            # "receipt.header[1]`": a list item; "keymap[...]`": a map's value
            where, _, item = where.rstrip("`").partition("[")
            keys = [k for k in where.split(".") if k]
            unknown = re.fullmatch(r"Object contains unknown field `(.*)`", message)
            keys += [unknown[1]] if unknown else []
            *table_keys, last = keys or ["?"]
            table: Any = merged
            for key in table_keys:
                table = table.get(key) if isinstance(table, dict) else None
            setters = (origins.get(tuple(keys[:n])) for n in range(len(keys), 0, -1))
            origin = next((s for s in setters if s), "")
            shown = repr(table.get(last)) if isinstance(table, dict) else "?"
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            origin = f" (from {origin})" if origin else ""
            loc = ".".join(keys) + (f"[{item}" if item[:1].isdigit() else "")
            errors.append(f"{loc}{origin}\n  {message} (value: {shown})")
            if not isinstance(table, dict) or last not in table:
                break  # cannot drop it: report what was found
            del table[last]
        else:
            if not errors:
                return settings
            break
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    raise ConfigError(f"invalid configuration, {count}:\n" + "\n".join(errors))


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read defaults, the user file (if any), ``config_file`` (if given), keyword overrides
    and the environment."""
    files = [shipped_defaults_file()]
    user = user_config_file()
    if user.is_file():
        files.append(user)
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"{config_file}: no such config file")
        files.append(config_file)
    merged: dict[str, Any] = {}
    origins: dict[_Keys, str] = {}
    for path in files:
        merged = _merge(merged, _read_toml(path), origins, str(path))
    merged = _merge(merged, overrides, origins, "overrides")
    merged = _environment(merged, origins)
    settings = _validate(merged, origins)
    settings.sources = [str(p) for p in files]
    return settings
