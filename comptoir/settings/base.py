"""Settings shared by every environment; secrets and hosts come from the environment."""

import os
from pathlib import Path
from typing import Any, cast

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "comptoir.core",
    "comptoir.organizations",
    "comptoir.customers",
    "comptoir.catalog",
    "comptoir.sales",
    "comptoir.invoicing",
    "comptoir.alerts",
    "comptoir.payments",
    "comptoir.einvoicing",
    "comptoir.storefront",
    "comptoir.shop",
    "comptoir.members",
    "comptoir.backoffice",
    "comptoir.accounting",
    "comptoir.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "comptoir.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "comptoir.organizations.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "comptoir.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "comptoir" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # `money` and `vat_rate`, the same in every front end.
            "builtins": ["comptoir.core.templatetags.formats"],
        },
    },
]

SQLITE_OPTIONS = {
    # Concurrent requests queue on the write lock instead of failing with
    # "database is locked": BEGIN IMMEDIATE takes the lock up front.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


# PostgreSQL: parameters sent apart from the SQL, and a statement run five
# times on a connection prepared there (psycopg's `prepare_threshold`), so
# PostgreSQL parses and plans the queries every order repeats once per
# connection. Django's default is neither (client-side binding, nothing
# prepared). `DATABASE_PREPARED_STATEMENTS=off` goes back to it, for a
# connection pooler in transaction mode that cannot keep them.
POSTGRESQL_PREPARED_OPTIONS = {"server_side_binding": True, "prepare_threshold": 5}
_SWITCH = {"on": True, "1": True, "off": False, "0": False}


def prepared_statements_from_env() -> bool:
    value = os.environ.get("DATABASE_PREPARED_STATEMENTS", "on").strip().lower()
    if value not in _SWITCH:
        raise ImproperlyConfigured(
            f"DATABASE_PREPARED_STATEMENTS must be on or off, not {value!r}."
        )
    return _SWITCH[value]


def database_from_env(default_sqlite: Path) -> dict[str, Any]:
    """DATABASE_URL when set (PostgreSQL in production), else embedded SQLite."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = cast(
            # DBConfig is a TypedDict: at run time the same plain dict.
            dict[str, Any],
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True),
        )
        if config["ENGINE"] == "django.db.backends.sqlite3":
            # The same write lock, journal and durability as the default file.
            config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        elif (
            config["ENGINE"] == "django.db.backends.postgresql"
            and prepared_statements_from_env()
        ):
            config["OPTIONS"] = {
                **POSTGRESQL_PREPARED_OPTIONS,
                **config.get("OPTIONS", {}),
            }
        return config
    # A fresh clone has no var/: `manage.py migrate` alone must work.
    default_sqlite.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        "OPTIONS": SQLITE_OPTIONS,
    }


DATABASES = {"default": database_from_env(VAR_DIR / "comptoir.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "comptoir.organizations.backends.ScopedEmailBackend",
    "django.contrib.auth.backends.ModelBackend",
    "comptoir.organizations.backends.PlatformAdminEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

# Failed logins are throttled per account and address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "comptoir.organizations.backends.axes_username"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "comptoir" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
MEDIA_ROOT = VAR_DIR / "media"

TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "Comptoir <no-reply@comptoir.example>"

LOGIN_URL = "backoffice:login"
SESSION_COOKIE_HTTPONLY = True
# Database sessions read with their user, saved in one UPDATE
# (comptoir/organizations/sessions.py, with its AuthenticationMiddleware).
SESSION_ENGINE = "comptoir.organizations.sessions"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Key for the secrets stored encrypted at rest (payment provider and e-invoicing
# platform credentials), read by django-fernet-encrypted-fields. Production
# reads it from the environment; see comptoir/core/checks.py.
DEV_ENCRYPTION_KEY = "dev-only-encryption-key-comptoir-not-for-production"
SALT_KEY = [DEV_ENCRYPTION_KEY]

# Secret shared with the simulated card provider to sign its notifications.
PAYMENT_SIMULATOR_SECRET = "dev-simulator-secret-change-me"

# The simulated card provider takes no money: the embedded default for
# `make run` and the tests; production allows it only on purpose (staging).
PAYMENT_SIMULATOR_ENABLED = True
# Stripe's API address; empty means Stripe itself. Tests point it at their
# local stand-in.
STRIPE_API_BASE = ""
STRIPE_WEBHOOK_TOLERANCE = 300  # seconds between a webhook's signing and now
# A pending sale's payment session lasts this long (Stripe: 30 min to 24 h).
PAYMENT_SESSION_MINUTES = 60
# After this, the sweep asks the provider about a session whose webhook
# never came.
PAYMENT_SWEEP_AFTER_MINUTES = 10
# A refund call the provider does not answer is retried this many times,
# with the same idempotency key, before an alert.
PAYMENT_REFUND_ATTEMPTS = 3
PAYMENT_RETRY_DELAY_SECONDS = 1.0

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"comptoir": {"handlers": ["console"], "level": "INFO"}},
}

# Absolute address of the site, for links in mails.
SITE_URL = "http://127.0.0.1:8000"

# Key of the invoices' sealed chain (comptoir/invoicing/integrity.py), kept out
# of the database. Production reads COMPTOIR_INTEGRITY_KEY; the deployment
# check refuses this default (docs/security.md).
DEV_INTEGRITY_KEY = "dev-only-integrity-key-comptoir-not-for-production"
COMPTOIR_INTEGRITY_KEY = DEV_INTEGRITY_KEY

# Where the client's address comes from behind the TLS proxy, for login
# throttling (comptoir/core/client_ip.py). Empty: the socket's peer.
COMPTOIR_TRUSTED_PROXY_HEADER = ""
COMPTOIR_TRUSTED_PROXY_COUNT = 1
AXES_CLIENT_IP_CALLABLE = "comptoir.core.client_ip.client_ip"
# E-invoicing: the local PA stand-in is for development only (settings/dev.py).
EINVOICING_LOCAL_STANDIN = False
