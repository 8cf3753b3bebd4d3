"""Mail a client its invoices and credit notes, the stored PDFs attached."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django_tasks import task

from comptoir.core import audit
from comptoir.core.mail import (
    Attachment,
    absolute_url,
    format_money,
    mail_language,
    send_customer_mail,
)
from comptoir.customers.models import Client
from comptoir.customers.selectors import is_online_invoice_eligible
from comptoir.organizations.models import User

from ..models import Invoice
from .documents import pdf_bytes, render_and_store


def _member_path(organization_slug: str, name: str, **kwargs) -> str:
    try:
        return reverse(
            f"members:{name}", kwargs={"org_slug": organization_slug, **kwargs}
        )
    except NoReverseMatch:
        return f"/{organization_slug}/espace-membre/factures/"


def invoices_url(organization_slug: str) -> str:
    return absolute_url(_member_path(organization_slug, "invoices"))


def notifies(client: Client | None) -> bool:
    """Whether documents issued to this client are mailed to it: only to a
    member whose group has online invoices on (the product note's rule)."""
    return bool(
        client is not None
        and client.user_id
        and client.email
        and is_online_invoice_eligible(client)
    )


def send_invoice_available(*, invoice_ids: list[int], resent: bool = False) -> int:
    """One mail to the client with the documents' Factur-X PDFs attached.

    `resent`: asked again from the back office, so sent to any client with
    an email; the member-space links are given only to those who have one.
    """
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
    online = notifies(client)
    if not online and not resent:
        return 0
    language = mail_language(client.language)
    slug = invoices[0].organization.slug
    documents = [
        {
            "invoice": invoice,
            "total": format_money(invoice.total_incl, language),
            "url": absolute_url(
                _member_path(slug, "invoice_download", public_id=invoice.public_id)
            )
            if online
            else "",
        }
        for invoice in invoices
    ]
    context = {
        "client": client,
        "invoices": invoices,
        "documents": documents,
        "park": invoices[0].park,
        "url": invoices_url(slug) if online else "",
        "resent": resent,
    }
    return send_customer_mail(
        to=client.email,
        language=language,
        reply_to=invoices[0].park.email,
        template="invoicing/mail/{language}/invoice_available",
        context=context,
        attachments=[Attachment(i.filename, pdf_bytes(i)) for i in invoices],
    )


@task()
def invoices_issued_task(invoice_ids: list[int], notify: bool) -> None:
    """Render the new invoices, then tell the member they are available."""
    for invoice_id in invoice_ids:
        render_and_store(invoice_id=invoice_id)
    if notify:
        send_invoice_available(invoice_ids=invoice_ids)


@task()
def resend_documents_task(invoice_ids: list[int]) -> None:
    """Mail documents again, as asked from the back office."""
    send_invoice_available(invoice_ids=invoice_ids, resent=True)


class NoRecipient(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def resend_document(*, invoice: Invoice, actor: User | AnonymousUser | None) -> None:
    """Queue the document's mail again ("Renvoyer la facture")."""
    if invoice.client is None or not invoice.client.email:
        raise NoRecipient(
            _("Ce client n'a pas d'adresse email : renseignez-la sur sa fiche.")
        )
    audit.record(
        invoice,
        "invoicing.document.resent",
        actor=actor,
        data={"number": invoice.number, "to": invoice.client.email},
    )
    resend_documents_task.enqueue(invoice_ids=[invoice.pk])
