"""Tell a member its invoice is available in "Vos factures"."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from ..models import Invoice


def invoices_url(organization_slug: str) -> str:
    try:
        path = reverse("members:invoices", kwargs={"org_slug": organization_slug})
    except NoReverseMatch:
        path = f"/{organization_slug}/espace-membre/factures/"
    return settings.SITE_URL.rstrip("/") + path


def send_invoice_available(*, invoice_ids: list[int]) -> int:
    """One mail per client, in French, listing the new invoices."""
    invoices = list(
        Invoice.objects.filter(pk__in=invoice_ids)
        .select_related("client", "organization", "park")
        .order_by("sequence")
    )
    if not invoices:
        return 0
    client = invoices[0].client
    if client is None or not client.email:
        return 0
    context = {
        "client": client,
        "invoices": invoices,
        "park": invoices[0].park,
        "url": invoices_url(invoices[0].organization.slug),
    }
    subject = render_to_string("invoicing/mail/invoice_available_subject.txt", context)
    body = render_to_string("invoicing/mail/invoice_available.txt", context)
    return send_mail(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [client.email],
    )
