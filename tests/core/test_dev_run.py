"""``make run`` output: demo logins in one list, a readable log for refused requests."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from core.log import ClientErrorWithoutTraceback


@pytest.mark.django_db
def test_seed_demo_lists_every_demo_login_under_one_heading():
    out = StringIO()
    call_command("seed_demo", "--with-accounts", stdout=out)
    text = out.getvalue()
    heading, _, logins = text.partition("Demo logins")
    assert "networklead" not in heading
    usernames = [line.split()[0] for line in logins.splitlines()[1:] if line.startswith("  ")]
    assert {"coordinator", "caseworker", "volunteer", "networklead", "coordinator2"} <= set(
        usernames
    )
    assert "network_lead" in logins


def _refused_request_record() -> logging.LogRecord:
    from django.core.handlers.exception import response_for_exception

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        request = RequestFactory().get("/members/")
        try:
            raise PermissionDenied
        except PermissionDenied as exc:
            response_for_exception(request, exc)
    finally:
        logger.removeHandler(handler)
    return records[0]


@pytest.mark.django_db
def test_a_refused_request_is_logged_without_traceback():
    record = _refused_request_record()
    assert record.status_code == 403
    assert record.exc_info is None
    assert "Forbidden" in record.getMessage()


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    record.status_code = 500
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    ClientErrorWithoutTraceback().filter(record)
    assert record.exc_info is not None


def test_the_task_cluster_log_has_no_typo_in_german():
    with translation.override("de"):
        text = translation.gettext("%(name)s pushing tasks at %(id)s")
    assert "Aufagaben" not in text
    assert "Aufgaben" in text
