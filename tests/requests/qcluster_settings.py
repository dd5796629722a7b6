"""Settings of the real ``manage.py qcluster`` that ``test_qcluster.py`` starts: the test
settings, with tasks queued in the database (ORM broker, not inline), the test's own
database (``WIR_QCLUSTER_DATABASE``, JSON) and mails written as files to
``WIR_QCLUSTER_MAIL_DIR`` so the test can count them."""

import json
import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES, Q_CLUSTER

DATABASES = {**DATABASES, "default": json.loads(os.environ["WIR_QCLUSTER_DATABASE"])}
Q_CLUSTER = {
    **Q_CLUSTER,
    "sync": False,
    "orm": "default",
    "workers": 1,
    "poll": 0.1,
    "timeout": 60,
    "retry": 90,
}
Q_CLUSTER.pop("redis", None)
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["WIR_QCLUSTER_MAIL_DIR"]
