"""Mail to customers: from the platform, the park as Reply-To, in their language.

Every mail has a plain-text and an HTML part rendered from templates, and
every link in it is absolute, built from `settings.SITE_URL` (a mail is
read far from the request that caused it, often by a worker with none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mail_configured() -> bool:
    """False when mail would go to an SMTP server nobody configured."""
    return not (settings.EMAIL_BACKEND == SMTP_BACKEND and not settings.EMAIL_HOST)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def absolute_url(path: str) -> str:
    """`path` on the site the customers know, never the worker's host."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def format_money(value: Decimal, language: str) -> str:
    """50,00 € in French, €50.00 in English."""
    text = f"{value:,.2f}"
    if language == "en":
        return ("-" if value < 0 else "") + "€" + text.lstrip("-")
    text = text.replace(",", "\u00a0").replace(".", ",")
    return text + "\u00a0€"


def mail_language(language: str | None) -> str:
    """A language the site speaks: the customer's, else the site's own."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or "").split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


def send_customer_mail(
    *,
    to: str,
    language: str | None,
    reply_to: str,
    template: str,
    context: dict,
    attachments: Sequence[Attachment] = (),
) -> int:
    """Render `<template>_subject.txt`, `.txt` and `.html` in the customer's
    language (`template` holds a `{language}` folder: each language has its
    own wording, not a word-by-word translation) and send them."""
    language = mail_language(language)
    template = template.format(language=language)
    with translation.override(language):
        context = {**context, "language": language}
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message.send()
