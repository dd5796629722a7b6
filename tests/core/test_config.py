"""Settings come from the environment; phone numbers are stored in E.164."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from config import env
from core.phone import format_phone_national, normalize_phone

ROOT = Path(__file__).resolve().parents[2]


def settings_in_subprocess(extra_env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'],"
        "'name': str(settings.DATABASES['default']['NAME']), 'debug': settings.DEBUG,"
        "'hosts': settings.ALLOWED_HOSTS, 'tz': settings.TIME_ZONE, 'lang': settings.LANGUAGE_CODE,"
        "'throttle': settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['register'],"
        "'q': 'redis' if 'redis' in settings.Q_CLUSTER else 'orm',"
        "'secret': settings.SECRET_KEY}))"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REDIS_URL"}
    }
    environment.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "VAR_DIR": str(tmp_path), **extra_env}
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_defaults_are_sqlite_in_var_and_a_kept_secret(tmp_path):
    first = settings_in_subprocess({}, tmp_path)
    assert first["db"] == "django.db.backends.sqlite3"
    assert first["name"] == str(tmp_path / "db.sqlite3")
    assert first["tz"] == "Europe/Berlin" and first["lang"] == "de"
    assert first["q"] == "orm"
    assert first["throttle"] == "10/hour"
    assert (tmp_path / "secret_key").read_text() == first["secret"]
    assert settings_in_subprocess({}, tmp_path)["secret"] == first["secret"]


def test_environment_overrides(tmp_path):
    values = settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://u:p@db.example:5432/wir",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "sprachpool.example, www.sprachpool.example",
            "SECRET_KEY": "from-env",
            "THROTTLE_REGISTER": "3/minute",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        tmp_path,
    )
    assert values["db"] == "django.db.backends.postgresql"
    assert values["name"] == "wir"
    assert values["debug"] is False
    assert values["hosts"] == ["sprachpool.example", "www.sprachpool.example"]
    assert values["secret"] == "from-env"
    assert values["throttle"] == "3/minute"
    assert values["q"] == "redis"
    assert not (tmp_path / "secret_key").exists()


def test_bad_boolean_is_reported_by_name(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(env.ConfigError, match="DEBUG"):
        env.env_bool("DEBUG")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0151 23456789", "+4915123456789"),
        ("+49 (0)6031 83-0", "+49603183 0".replace(" ", "")),
        ("0049 6172 9990", "+4961729990"),
    ],
)
def test_phone_numbers_are_stored_in_e164(raw, e164):
    assert normalize_phone(raw, region="DE") == e164


@pytest.mark.parametrize("raw", ["", "12", "hallo", "0151", "+49 151 2345678901234567", "x" * 200])
def test_bad_phone_numbers_are_rejected(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw, region="DE")


def test_phone_numbers_are_shown_in_national_format(settings):
    settings.PHONE_REGION = "DE"
    shown = format_phone_national("+4915123456789")
    assert shown.startswith("0151") and shown.replace(" ", "") == "015123456789"
    assert format_phone_national("+33142685300").startswith("+33")


def site_url_in_subprocess(extra_env: dict[str, str], tmp_path: Path) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "RUN_ADDRESS"}}
    environment.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "VAR_DIR": str(tmp_path), **extra_env}
    )
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({}, "http://127.0.0.1:8000"),
        ({"RUN_ADDRESS": "127.0.0.1:8101"}, "http://127.0.0.1:8101"),
        ({"RUN_ADDRESS": "8102"}, "http://127.0.0.1:8102"),
        ({"RUN_ADDRESS": "0.0.0.0:8103"}, "http://localhost:8103"),
        (
            {"RUN_ADDRESS": "127.0.0.1:8101", "SITE_URL": "https://wir.example/"},
            "https://wir.example",
        ),
    ],
)
def test_links_in_mails_follow_the_served_address(tmp_path, extra, expected):
    assert site_url_in_subprocess(extra, tmp_path) == expected


def test_the_readme_documents_site_url_and_run_address():
    readme = (ROOT / "README.md").read_text()
    assert "| `RUN_ADDRESS` |" in readme
    assert "RUN_ADDRESS" in readme.split("| `SITE_URL` |")[1].splitlines()[0]
