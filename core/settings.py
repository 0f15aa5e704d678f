"""One settings source: every setting declared once, with its environment variable, default and help.

Loaded by `load_settings()` from the environment; bad values fail at start with a message that
names the variable, not deep inside a page.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class SettingSpec:
    env: str
    default: str
    help: str


# The catalogue. README's "Settings" table must mention every `env` here (a test checks).
SPECS: dict[str, SettingSpec] = {
    "database_url": SettingSpec(
        "LEDGER_DATABASE_URL", "",
        "SQLAlchemy URL of the ledger. Empty: an embedded SQLite file in LEDGER_DATA_DIR. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/dbname",
    ),
    "data_dir": SettingSpec(
        "LEDGER_DATA_DIR", str(PROJECT_ROOT / "data"),
        "Folder for the embedded SQLite ledger and the evidence store (git-ignored).",
    ),
    "demo": SettingSpec(
        "LEDGER_DEMO", "0",
        "1: demo mode: one demo account per role, listed on the sign-in page. Never in production.",
    ),
    "cookie_expiry_days": SettingSpec(
        "LEDGER_COOKIE_EXPIRY_DAYS", "0.5",
        "Lifetime of the sign-in cookie in days (short: the cookie is readable by scripts).",
    ),
    "max_failed_logins": SettingSpec(
        "LEDGER_MAX_FAILED_LOGINS", "5",
        "Wrong passwords in a row before an account is locked for LEDGER_LOCKOUT_MINUTES.",
    ),
    "max_failed_per_client": SettingSpec(
        "LEDGER_MAX_FAILED_PER_CLIENT", "20",
        "Failed sign-ins from one client address (any accounts) within LEDGER_LOCKOUT_MINUTES before "
        "that address may not sign in for LEDGER_LOCKOUT_MINUTES.",
    ),
    "lockout_minutes": SettingSpec(
        "LEDGER_LOCKOUT_MINUTES", "15",
        "How long a locked account stays locked; it unlocks by itself afterwards.",
    ),
    "evidence_max_mb": SettingSpec(
        "LEDGER_EVIDENCE_MAX_MB", "20",
        "Largest evidence file accepted, in MB (each file of an upload; larger ones are refused).",
    ),
    "import_max_mb": SettingSpec(
        "LEDGER_IMPORT_MAX_MB", "30",
        "Largest Excel ledger accepted for import, in MB; the unpacked workbook and its sheets are "
        "bounded too (core.excel.safety).",
    ),
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    demo: bool
    cookie_expiry_days: float
    max_failed_logins: int
    lockout_minutes: int
    evidence_max_mb: float = 20.0
    max_failed_per_client: int = 20
    import_max_mb: float = 30.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


class SettingsError(ValueError):
    """A setting's value cannot be used; the message names the environment variable."""


def _parse(name: str, raw: str, kind: type):
    env = SPECS[name].env
    try:
        if kind is bool:
            if raw.strip().lower() not in {"0", "1", "true", "false", "yes", "no", ""}:
                raise ValueError(raw)
            return raw.strip().lower() in {"1", "true", "yes"}
        value = kind(raw)
    except ValueError as exc:
        raise SettingsError(f"{env}={raw!r} is not a valid {kind.__name__}") from exc
    if kind in (int, float) and value <= 0:
        raise SettingsError(f"{env}={raw!r} must be greater than 0")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read every setting from `env` (default: the process environment); raises SettingsError."""
    env = os.environ if env is None else env
    raw = {name: env.get(spec.env) or spec.default for name, spec in SPECS.items()}
    kinds = {f.name: f.type for f in fields(Settings)}
    casts = {"bool": bool, "float": float, "int": int}
    values = {n: _parse(n, raw[n], casts[kinds[n]]) for n in ("demo", "cookie_expiry_days",
                                                              "max_failed_logins", "lockout_minutes",
                                                              "evidence_max_mb", "max_failed_per_client",
                                                              "import_max_mb")}
    data_dir = Path(raw["data_dir"])
    url = raw["database_url"] or f"sqlite:///{data_dir / 'ledger.db'}"
    if not (url.startswith("sqlite") or url.startswith("postgresql")):
        raise SettingsError(f"LEDGER_DATABASE_URL={url!r}: "
                            "only sqlite:// and postgresql+psycopg:// are supported")
    return Settings(database_url=url, data_dir=data_dir, **values)
