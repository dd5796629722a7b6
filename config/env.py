"""Every environment variable the project reads, parsed in one place.

Settings modules import from here; nothing else in the project reads ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
#: Folder for local state: the SQLite database, the generated secret key.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """An environment variable holds a value the project cannot use."""


def env_str(name: str, default: str = "") -> str:
    """The variable's value, or ``default`` when unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no variable: ``1/true/yes/on`` or ``0/false/no/off``."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}: expected a yes/no value such as 1 or 0, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole-number variable, at least ``minimum`` when given."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: expected a whole number, got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}: expected at least {minimum}, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated variable, blanks dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def secret_key() -> str:
    """``SECRET_KEY`` from the environment, else one generated once and kept in ``var/``."""
    value = os.environ.get("SECRET_KEY")
    if value:
        return value
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    path.write_text(value)
    path.chmod(0o600)
    return value


def database_url() -> str:
    """``DATABASE_URL``, by default an SQLite file in ``var/`` (the folder is created)."""
    value = os.environ.get("DATABASE_URL")
    if value:
        return value
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'db.sqlite3'}"


#: Where ``make run`` serves (``scripts/run_dev.py`` hands it to ``runserver``).
DEFAULT_RUN_ADDRESS = "127.0.0.1:8000"


def run_address() -> str:
    """``RUN_ADDRESS`` (``host:port`` or a port), as ``host:port``."""
    value = os.environ.get("RUN_ADDRESS", "").strip() or DEFAULT_RUN_ADDRESS
    if value.isascii() and value.isdigit():
        return f"127.0.0.1:{value}"
    return value


def site_url() -> str:
    """``SITE_URL`` without a trailing slash; by default the address the app is served at
    (:func:`run_address`), so links in e-mails lead back to this server. A wildcard bind
    address (``0.0.0.0``, ``[::]``) becomes ``localhost``."""
    value = os.environ.get("SITE_URL", "").strip()
    if value:
        return value.rstrip("/")
    host, _sep, port = run_address().rpartition(":")
    if host in {"", "0.0.0.0", "[::]", "::"}:
        host = "localhost"
    return f"http://{host}:{port}"
