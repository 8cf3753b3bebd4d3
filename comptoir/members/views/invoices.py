""" "Vos factures": the list, a download, asking for an invoice."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import (
    content_disposition_header,
)
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.customers.selectors import (
    field_labels,
)
from comptoir.invoicing.exceptions import AlreadyInvoiced, NotInvoiceable
from comptoir.invoicing.selectors import (
    invoices_in_progress,
    invoices_of_client,
    split_sale_numbers,
)
from comptoir.invoicing.services.documents import pdf_bytes
from comptoir.invoicing.services.requests import request_invoice
from comptoir.sales.selectors import (
    sales_of,
)

from ..mixins import EligibleMemberMixin, MemberMixin

INVOICES_PER_PAGE = 20


class InvoicesView(EligibleMemberMixin, TemplateView):
    """The product note's list: every invoice and credit note of the client,
    newest sale number first."""

    menu = "invoices"
    template_name = "members/invoices.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The rows show columns of the document; its snapshot (the whole
        # document as JSON, 2-3 kB) is only read to render the PDF.
        paginator = Paginator(
            invoices_of_client(self.client).defer("snapshot"), INVOICES_PER_PAGE
        )
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            page=page,
            invoices=page.object_list,
            in_progress=[
                (item, field_labels(item.missing))
                for item in invoices_in_progress(self.client)
            ],
            split_sales=split_sale_numbers(page.object_list),
        )
        return context


class RequestInvoiceView(MemberMixin, View):
    """ "Demander une facture" for one of the member's paid sales: an alert
    for the operator, once per sale."""

    def post(
        self, request: HttpRequest, org_slug: str, sale_id: uuid.UUID
    ) -> HttpResponse:
        sale = get_object_or_404(
            sales_of(self.organization.pk).filter(client=self.client),
            public_id=sale_id,
        )
        try:
            _alert, created = request_invoice(sale=sale, requested_by=request.user)
        except AlreadyInvoiced:
            messages.info(request, _("Cette vente a déjà une facture."))
        except NotInvoiceable:
            messages.error(request, _("Seule une vente payée peut être facturée."))
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "Votre demande de facture pour la vente %(number)s est "
                        "envoyée au parc : vous la recevrez par email."
                    )
                    % {"number": sale.number},
                )
            else:
                messages.info(
                    request,
                    _("Vous avez déjà demandé la facture de la vente %(number)s.")
                    % {"number": sale.number},
                )
        target = request.POST.get("next", "")
        if not target.startswith(f"/{self.organization.slug}/"):
            target = reverse("members:home", kwargs={"org_slug": org_slug})
        return redirect(target)


class InvoiceDownloadView(EligibleMemberMixin, View):
    def get(
        self, request: HttpRequest, org_slug: str, public_id: uuid.UUID
    ) -> HttpResponse:
        invoice = get_object_or_404(
            invoices_of_client(self.client), public_id=public_id
        )
        response = HttpResponse(pdf_bytes(invoice), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=invoice.filename
        )
        response["Cache-Control"] = "private, no-store"
        return response
