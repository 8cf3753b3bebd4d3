"""Test settings: fast hashing, in-memory mail, tasks run inline."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-comptoir-000000000000000000000000000000000000"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "test-media"},  # noqa: F405
    },
}
AXES_ENABLED = True

# Tests run without collectstatic: serve static files from the apps.
WHITENOISE_AUTOREFRESH = True

# Retries of an unanswered provider call happen at once in tests.
PAYMENT_RETRY_DELAY_SECONDS = 0
