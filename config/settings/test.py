"""Test settings: fast hashing, in-memory e-mail, django-q2 runs tasks inline."""

from .base import *  # noqa: F403
from .base import Q_CLUSTER

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "core.sms.MemorySmsBackend"
# Off whatever the environment says (tests that need it switch it on with override_settings).
TWO_FACTOR_REQUIRED = False
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the shared in-memory database: concurrency tests need real parallel
    # transactions with SQLite's own locking (shared-cache memory databases refuse at once
    # with "table is locked"). One file per test process, removed after the run.
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"wir-test-{os.getpid()}.sqlite3")
    }

# Generous general API rates: a test makes many requests from one address and user.
# Throttling itself is tested with low rates set through the ``settings`` fixture.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "anon": "100000/minute",
        "user": "100000/minute",
    },
}
