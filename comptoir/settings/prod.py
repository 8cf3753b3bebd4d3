"""Production: what differs between installations comes from the environment."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Only for running the production stack over plain HTTP on a developer's
# machine (make prod): never switch these off behind a real domain.
SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "1") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible object storage (django-storages reads AWS_* variables).
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
elif os.environ.get("MEDIA_ROOT"):
    STORAGES["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ["MEDIA_ROOT"]},
    }

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
# The simulator takes no money: impossible in production unless a staging
# site asks for it, and then with its own secret (see comptoir/payments/checks.py).
PAYMENT_SIMULATOR_ENABLED = os.environ.get("COMPTOIR_ALLOW_PAYMENT_SIMULATOR") == "1"
PAYMENT_SIMULATOR_SECRET = os.environ.get("PAYMENT_SIMULATOR_SECRET", "")
STRIPE_API_BASE = ""

# Newest key first; older ones stay readable while secrets are re-saved.
SALT_KEY = [
    k for k in os.environ.get("COMPTOIR_ENCRYPTION_KEYS", "").split(",") if k
] or SALT_KEY  # noqa: F405

SITE_URL = os.environ.get("SITE_URL", SITE_URL)  # noqa: F405
LOGGING["loggers"]["django"] = {"handlers": ["console"], "level": "WARNING"}  # noqa: F405

# The invoices' integrity key: never the development default (docs/security.md).
COMPTOIR_INTEGRITY_KEY = os.environ.get("COMPTOIR_INTEGRITY_KEY", "")
COMPTOIR_TRUSTED_PROXY_HEADER = os.environ.get("COMPTOIR_TRUSTED_PROXY_HEADER", "")
COMPTOIR_TRUSTED_PROXY_COUNT = int(os.environ.get("COMPTOIR_TRUSTED_PROXY_COUNT", "1"))
# Development only; `check --deploy` fails when it is switched on.
EINVOICING_LOCAL_STANDIN = os.environ.get("COMPTOIR_EINVOICING_LOCAL_STANDIN") == "1"
