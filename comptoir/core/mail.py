"""Whether this installation can send mail at all."""

from __future__ import annotations

from django.conf import settings

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mail_configured() -> bool:
    """False when mail would go to an SMTP server nobody configured."""
    return not (settings.EMAIL_BACKEND == SMTP_BACKEND and not settings.EMAIL_HOST)
