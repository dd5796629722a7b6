"""Project configuration: settings package, URL root, WSGI entry point.

Importing this package first keeps third-party probes off our ``requests`` app.
The app folder ``requests/`` shadows the PyPI package of that name for code run
from the project root. Django REST framework's ``rest_framework.test`` (imported
by drf-spectacular and by our tests) does ``try: import requests`` and, when that
succeeds, builds classes on the PyPI package's internals. We let that one probe
see the package as not installed, which is the truth for this project.
"""

import sys


def _import_drf_test_without_requests() -> None:
    if "rest_framework.test" in sys.modules:
        return
    missing = object()
    ours = sys.modules.get("requests", missing)
    sys.modules["requests"] = None  # type: ignore[assignment]  # ``import requests`` fails
    try:
        import rest_framework.test  # noqa: F401
    except ImportError:
        pass
    finally:
        if ours is missing:
            del sys.modules["requests"]
        else:
            sys.modules["requests"] = ours  # type: ignore[assignment]


_import_drf_test_without_requests()
