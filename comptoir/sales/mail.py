"""The order confirmation a customer gets once an online sale is paid."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django_tasks import task

from comptoir.core.clock import format_datetime
from comptoir.core.mail import (
    Attachment,
    absolute_url,
    format_money,
    mail_language,
    send_customer_mail,
)
from comptoir.core.prepared import PreparedQuery
from comptoir.customers.selectors import client_is_eligible, with_client_eligibility

from . import hooks
from .documents import prefetch_entitlements, sale_documents
from .models import Sale, SaleStatus


def member_url(organization_slug: str, name: str, **kwargs) -> str:
    """An absolute link into the member space (the login page leads back)."""
    try:
        path = reverse(
            f"members:{name}", kwargs={"org_slug": organization_slug, **kwargs}
        )
    except NoReverseMatch:
        path = f"/{organization_slug}/espace-membre/"
    return absolute_url(path)


def _paid_sale(sale_id: int) -> QuerySet[Sale]:
    """The sale if paid, with its park, client and organization, and
    whether its client is eligible for online invoices."""
    return with_client_eligibility(
        Sale.objects.select_related("park", "client", "organization").filter(
            pk=sale_id, status=SaleStatus.PAID
        )
    )


# Compiled once: every paid online sale's confirmation reads it.
_PAID_SALE = PreparedQuery[Sale](_paid_sale)


def send_order_confirmation(*, sale_id: int) -> int:
    """Mail the order summary with its tickets, bookings and vouchers as
    PDFs and, for a client with online invoices, its invoices; 1 when sent."""
    sale = _PAID_SALE.first(sale_id=sale_id)
    if sale is None:
        return 0
    # The sale's invoices are rendered here, mailed or not: no task of their own.
    mailed = [doc for docs in hooks.order_mail_documents.call(sale) for doc in docs]
    if sale.client is None or not sale.client.email:
        return 0
    client, park, slug = sale.client, sale.park, sale.organization.slug
    lines = prefetch_entitlements(sale)
    language = mail_language(client.language)
    with translation.override(language):
        documents = [
            Attachment(name, pdf) for name, pdf in sale_documents(sale, language)
        ]
    invoices = []
    if mailed and client_is_eligible(sale, client):
        for invoice in mailed:
            invoices.append(
                {
                    "number": invoice.number,
                    "total": format_money(invoice.total_incl, language),
                    "url": member_url(
                        slug, "invoice_download", public_id=invoice.public_id
                    ),
                }
            )
            if invoice.pdf is not None:
                documents.append(Attachment(invoice.filename, invoice.pdf))
    context = {
        "client": client,
        "park": park,
        "sale": sale,
        "paid_at": format_datetime(sale.paid_at, park.time_zone),
        "lines": [
            {
                "quantity": line.quantity,
                "description": line.description,
                "total": format_money(line.total_incl, language),
                "start": format_datetime(line.booking_start, park.time_zone),
            }
            for line in lines
        ],
        "total": format_money(sale.total_incl, language),
        "invoices": invoices,
        "space_url": member_url(slug, "home"),
        "tickets_url": member_url(slug, "tickets"),
        "bookings_url": member_url(slug, "bookings"),
        "vouchers_url": member_url(slug, "vouchers"),
        "attachments": [a.filename for a in documents],
    }
    return send_customer_mail(
        to=client.email,
        language=language,
        reply_to=park.email,
        template="sales/mail/{language}/order_confirmation",
        context=context,
        attachments=documents,
    )


@task()
def confirm_order_task(sale_id: int) -> None:
    send_order_confirmation(sale_id=sale_id)
