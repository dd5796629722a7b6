"""Settings shared by every environment.

Each setting read from the environment is documented with a ``#:`` comment;
the variables themselves are parsed in :mod:`config.env`.
"""

from __future__ import annotations

from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import (
    BASE_DIR,
    VAR_DIR,  # noqa: F401 (re-exported for the environment modules)
    database_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_key,
    site_url,
)

#: ``SECRET_KEY``: signs sessions, tokens and one-tap links. Generated into ``var/`` when unset.
SECRET_KEY = secret_key()
#: ``DEBUG``: show tracebacks; never in production.
DEBUG = env_bool("DEBUG", False)
#: ``ALLOWED_HOSTS``: comma-separated host names this installation answers to.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
#: ``CSRF_TRUSTED_ORIGINS``: comma-separated origins (with scheme) behind a proxy.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
#: ``SITE_URL``: the public base URL used in e-mail links; by default the address
#: ``RUN_ADDRESS`` (where ``make run`` serves, default ``127.0.0.1:8000``).
SITE_URL = site_url()

INSTALLED_APPS = [
    # django.contrib.admin with a site for superusers only (core/admin_site.py).
    "core.admin_site.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "csp",
    # Two-factor login (core/two_factor.py): TOTP apps and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "volunteers",
    "sprachpool",
    "networks",
    "requests.apps.RequestsConfig",
    "matching",
    "reports",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A login lasts SESSION_MAX_HOURS at most (after auth and messages: it logs out and says so).
    "core.middleware.SessionLifetimeMiddleware",
    # A login with a second factor waits for the code; a required role without one is sent
    # to set it up (TWO_FACTOR_REQUIRED, core/two_factor.py).
    "core.two_factor.TwoFactorMiddleware",
    # Cache-Control: no-store on the API and on every page with personal data.
    "core.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so its process_exception sees a page's exception first: bad input → 400/409.
    "core.middleware.BadInputMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

#: ``DATABASE_URL``: e.g. ``postgres://user:pass@host:5432/name``; default SQLite in ``var/``.
DATABASES = {"default": dj_database_url.parse(database_url(), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Writers queue for the lock at BEGIN instead of failing mid-transaction with
    # "database is locked" when two requests write at once (Django 5.1+).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

#: The only authentication backend: Django's, behind the failed-login lockout.
AUTHENTICATION_BACKENDS = ["core.auth.LockoutBackend"]
#: ``LOGIN_FAILURE_LIMIT``: wrong passwords for one user name before logins for it are
#: blocked for ``LOGIN_LOCKOUT_MINUTES``.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
#: ``LOGIN_ADDRESS_FAILURE_LIMIT``: failed logins from one client address before logins from
#: it are blocked for ``LOGIN_LOCKOUT_MINUTES``.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
#: ``LOGIN_LOCKOUT_MINUTES``: how long the failures count and a lockout lasts.
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
#: ``TWO_FACTOR_REQUIRED``: coordinators and admins must log in with a second factor (an
#: authenticator app's code, core/two_factor.py); on in production, off by default elsewhere
#: so the demo logins of ``make run`` work. Anyone may switch it on for themselves.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
#: The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = "WIR-Sprachpool"
#: The Django admin never shows a TOTP secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
#: ``PASSWORD_RESET_LIMIT``: password-reset mails per e-mail address in an hour.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 3)
#: ``PASSWORD_RESET_ADDRESS_LIMIT``: password-reset requests per client address in an hour
#: (offices share one address: keep it well above one person's need).
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 20)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers follow the UI language: German formats from Django, English ones from
# ``config/formats/en`` (day before month). Thousands are not grouped site-wide, because
# templates print ids into links and form values; figures use core's ``number`` filter.
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = False
# Every form renders with the project's widget templates (a real empty choice label).
FORM_RENDERER = "core.forms_renderer.ProjectFormRenderer"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
#: ``STATIC_ROOT``: where ``collectstatic`` gathers files for the web server.
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))

#: ``EMAIL_BACKEND``: Django e-mail backend; console by default, SMTP in production.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
#: ``EMAIL_HOST`` / ``EMAIL_PORT`` / ``EMAIL_HOST_USER`` / ``EMAIL_HOST_PASSWORD``: SMTP server.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
#: ``EMAIL_USE_TLS``: STARTTLS towards the SMTP server.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
#: ``DEFAULT_FROM_EMAIL``: sender of every message.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "WIR-Sprachpool <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

#: ``SMS_BACKEND``: dotted path of the SMS backend class; console by default.
SMS_BACKEND = env_str("SMS_BACKEND", "core.sms.ConsoleSmsBackend")
#: ``PHONE_REGION``: region for phone numbers written without a country code.
PHONE_REGION = env_str("PHONE_REGION", "DE")

#: ``REDIS_URL``: when set, django-q2 uses Redis as its broker instead of the database.
REDIS_URL = env_str("REDIS_URL", "")
#: ``Q_WORKERS``: number of django-q2 worker processes.
Q_WORKERS = env_int("Q_WORKERS", 2)
Q_CLUSTER: dict[str, object] = {
    "name": "wir-sprachpool",
    "workers": Q_WORKERS,
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "label": "Django Q",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

#: ``THROTTLE_REGISTER``: rate for anonymous self-registration per client address.
THROTTLE_REGISTER = env_str("THROTTLE_REGISTER", "10/hour")
#: ``THROTTLE_ANON`` / ``THROTTLE_USER``: general API rates.
THROTTLE_ANON = env_str("THROTTLE_ANON", "120/minute")
THROTTLE_USER = env_str("THROTTLE_USER", "600/minute")

#: ``NUM_PROXIES``: reverse proxies in front of the app; the client address for throttling is
#: taken from ``X-Forwarded-For`` only that many hops deep (0: the direct peer address).
NUM_PROXIES = env_int("NUM_PROXIES", 0)

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        # Django's session, counted only once the second factor is passed where one is due.
        "api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonRateThrottle",
        "api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "register": THROTTLE_REGISTER,
        "anon": THROTTLE_ANON,
        "user": THROTTLE_USER,
    },
    "NUM_PROXIES": NUM_PROXIES,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "WIR-Sprachpool API",
    "DESCRIPTION": "Volunteers, sponsorship networks and the community-interpreter pool "
    "of Hessen's WIR-Vielfaltszentren.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "core.models.Department.Kind",
        "PlaceKindEnum": "core.models.Place.Kind",
        "InterpreterKindEnum": "sprachpool.models.InterpreterProfile.Kind",
    },
}

# Throttling counts requests in the cache: with several web processes it must be shared, so
# a deployment with Redis uses it; the in-process cache suits one process (make run, tests).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

#: The yearly tax-free limit for volunteers' allowances (Ehrenamtspauschale, § 3 Nr. 26a
#: EStG) by the year it applies from, in EUR; summed over all of a person's roles.
TAX_FREE_ALLOWANCE_LIMITS = {2021: "840.00", 2026: "960.00"}

#: ``DEMO_ACCOUNTS``: let ``seed_demo`` create the demo logins even when DEBUG is off.
DEMO_ACCOUNTS = env_bool("DEMO_ACCOUNTS", False)

# Sessions, cookies and security headers; production adds HTTPS (Secure cookies, HSTS,
# the redirect). Each promise and the test that proves it: docs/security.md.
#: ``SESSION_IDLE_MINUTES``: a login ends after this many minutes without a request (the
#: lifetime of the session cookie and of the stored session, renewed by the requests of a
#: login at most once a minute: ``core.middleware.SessionLifetimeMiddleware``).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
#: ``SESSION_MAX_HOURS``: a login ends this many hours after it began, however active
#: (``core.middleware.SessionLifetimeMiddleware``).
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_COOKIE_HTTPONLY = True
# Lax: a link from a mail or another site still arrives logged in; no cross-site POST.
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie (forms carry the token); Strict: never sent cross-site.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only the site's own scripts, styles and images: no inline script, style or handler
# (tests/security/test_csp.py scans every template), nothing from a third party.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the small SVG icons inside the API documentation's stylesheet.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "core.log.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A refused request (403, 400) is logged in one line, without a traceback.
    "loggers": {"django.request": {"filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
