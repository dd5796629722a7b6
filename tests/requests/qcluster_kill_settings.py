"""Settings of the worker that ``test_qcluster_kill.py`` kills: those of
``qcluster_settings`` with the test-only fault app, one worker, and a short ``timeout`` and
``retry`` (a task not acknowledged is handed out again after ``retry`` seconds; the
installation's values are 300 and 360)."""

from tests.requests.qcluster_settings import *  # noqa: F403
from tests.requests.qcluster_settings import INSTALLED_APPS, Q_CLUSTER

INSTALLED_APPS = [*INSTALLED_APPS, "tests.faults.apps.FaultsConfig"]
Q_CLUSTER = {**Q_CLUSTER, "timeout": 20, "retry": 25, "max_attempts": 3}
