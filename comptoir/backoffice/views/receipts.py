"""The till receipt of a counter sale, and mailing a document again."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from comptoir.invoicing.selectors import invoices_of_organization
from comptoir.invoicing.services.mail import NoRecipient, resend_document
from comptoir.sales.receipts import ReceiptError, print_receipt

from ..mixins import StaffRequiredMixin
from .sales import sale_for


class SaleReceiptView(StaffRequiredMixin, View):
    """Print the receipt (a POST: each print is counted, later ones are
    duplicates); the PDF opens in the browser, ready to print."""

    def post(self, request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
        sale = sale_for(self.organization, public_id)
        try:
            printed = print_receipt(sale=sale, printed_by=request.user)
        except ReceiptError as exc:
            messages.error(request, exc.message)
            return redirect("backoffice:sale", public_id=sale.public_id)
        response = HttpResponse(printed.pdf, content_type="application/pdf")
        name = (
            f"ticket-{sale.number}-duplicata.pdf"
            if printed.is_duplicate
            else f"ticket-{sale.number}.pdf"
        )
        # Always a header value: a filename is given.
        response["Content-Disposition"] = cast(
            str, content_disposition_header(as_attachment=False, filename=name)
        )
        response["Cache-Control"] = "private, no-store"
        return response


class DocumentResendView(StaffRequiredMixin, View):
    """ "Renvoyer la facture": mail the invoice or credit note again."""

    def post(self, request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
        document = get_object_or_404(
            invoices_of_organization(self.organization.pk).select_related(
                "client", "sale"
            ),
            public_id=public_id,
        )
        try:
            resend_document(invoice=document, actor=request.user)
        except NoRecipient as exc:
            messages.error(request, exc.message)
        else:
            # NoRecipient was not raised: the document has a client.
            assert document.client is not None
            messages.success(
                request,
                _("%(number)s renvoyé à %(email)s.")
                % {"number": document.number, "email": document.client.email},
            )
        return redirect("backoffice:sale", public_id=document.sale.public_id)
