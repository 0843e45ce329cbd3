"""Configuration: shipped TOML defaults < user file < --config file < environment.

Settings are a pydantic-settings model so that environment variables
(``POS_TUI_LANE__ID=3``) and TOML files validate the same way.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

APP_NAME = "pos-tui"
ENV_PREFIX = "POS_TUI_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LaneConfig(_Section):
    id: str = "L1"
    store_id: str = "S1"
    location: str = "MAIN"


class DatabaseConfig(_Section):
    path: str = ""
    busy_timeout_ms: int = Field(default=5000, ge=0)


class CurrencyConfig(_Section):
    code: str = "INR"
    symbol: str = "Rs."
    minor_unit: int = Field(default=2, ge=0, le=4)
    locale: str = "en_IN"


class ReceiptConfig(_Section):
    header: list[str] = Field(default_factory=list)
    footer: list[str] = Field(default_factory=list)
    paper: Literal["58mm", "80mm"] = "80mm"


class DeviceConfig(BaseModel):
    """One device; ``kind = "none"`` disables it. Driver-specific keys pass through."""

    model_config = ConfigDict(extra="allow")
    kind: str = "none"


class DevicesConfig(_Section):
    printer: DeviceConfig = Field(default_factory=DeviceConfig)
    card_reader: DeviceConfig = Field(default_factory=DeviceConfig)
    scanner: DeviceConfig = Field(default_factory=DeviceConfig)
    magstripe: DeviceConfig = Field(default_factory=DeviceConfig)
    pole_display: DeviceConfig = Field(default_factory=DeviceConfig)


class Settings(BaseSettings):
    """Everything a lane is configured with."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid"
    )

    lane: LaneConfig = Field(default_factory=LaneConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    currency: CurrencyConfig = Field(default_factory=CurrencyConfig)
    receipt: ReceiptConfig = Field(default_factory=ReceiptConfig)
    devices: DevicesConfig = Field(default_factory=DevicesConfig)
    keymap: dict[str, str] = Field(default_factory=dict)

    # Set by load_settings: the files that were read, lowest priority first.
    sources: list[str] = Field(default_factory=list, exclude=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats files; files arrive merged through init kwargs.
        return (env_settings, init_settings)

    def database_path(self) -> Path:
        if self.database.path:
            return Path(self.database.path).expanduser()
        return data_dir() / "pos-tui.db"


class ConfigError(Exception):
    """A config file could not be read or did not validate."""


def config_dir() -> Path:
    override = os.environ.get("POS_TUI_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    override = os.environ.get("POS_TUI_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


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


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read defaults, the user file (if any), ``config_file`` (if given) and the environment."""
    files = [shipped_defaults_file()]
    user = user_config_file()
    if user.is_file():
        files.append(user)
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"{config_file}: no such config file")
        files.append(config_file)
    merged: dict[str, Any] = {}
    for path in files:
        merged = _merge(merged, _read_toml(path))
    merged = _merge(merged, overrides)
    try:
        settings = Settings(**merged)
    except ValueError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from exc
    settings.sources = [str(p) for p in files]
    return settings
