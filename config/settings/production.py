"""Production: DEBUG off, a real SECRET_KEY required, HTTPS only.

The site is served over HTTPS only (directly or behind a TLS-terminating proxy): cookies
are ``Secure``, plain HTTP is redirected, browsers are told to use HTTPS (HSTS). With these
defaults ``manage.py check --deploy`` reports nothing (``tests/security/test_deploy_check.py``);
each switch below is documented in the README and ``docs/security.md``.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int

from .base import *  # noqa: F403
from .base import NUM_PROXIES

DEBUG = False
if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

#: ``SECURE_SSL_REDIRECT``: redirect plain HTTP to HTTPS (on by default). Behind a proxy set
#: ``NUM_PROXIES`` so the proxy's ``X-Forwarded-Proto`` counts; turn it off only where the
#: proxy itself redirects every plain-HTTP request.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The scheme the client used is taken from the proxy's header only when there is a proxy:
# without one, any client could claim HTTPS by sending the header itself.
if NUM_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

#: ``TWO_FACTOR_REQUIRED``: coordinators and admins log in with a second factor (on by
#: default in production; see config/settings/base.py).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix: the browser keeps these cookies only from HTTPS, for this host alone
# (no Domain attribute, Path=/), so a neighbouring subdomain cannot set or read them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

#: ``SECURE_HSTS_SECONDS``: how long browsers remember to use HTTPS only (HSTS max-age; one
#: year by default). Set it to 0 only while the site is not yet reachable over HTTPS: once a
#: browser has seen the header it refuses plain HTTP for that long.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
#: ``SECURE_HSTS_INCLUDE_SUBDOMAINS``: HSTS for every subdomain of the site's host as well.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
#: ``SECURE_HSTS_PRELOAD``: the header's ``preload`` token, the consent to have the domain put
#: on the browsers' built-in HTTPS-only list (that needs a submission, and only a registrable
#: domain such as ``wir-sprachpool.de`` can be listed, with all its subdomains; a host like
#: ``sprachpool.kreis.de`` cannot). Turn it off when the site is served from a registrable
#: domain with subdomains that still need plain HTTP.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
