"""Back from the payment provider: the confirmation, or the basket kept."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.catalog.models import ADMISSION_KINDS, ProductKind
from comptoir.customers.models import Client
from comptoir.customers.selectors import field_labels
from comptoir.invoicing.selectors import (
    invoice_requested_at,
    invoices_of_client,
    split_sale_numbers,
)
from comptoir.payments.providers import (
    PaymentStatus,
)
from comptoir.payments.services import (
    release_pending_sale,
)
from comptoir.sales.models import Sale, SaleStatus
from comptoir.sales.selectors import sales_of
from comptoir.storefront.mixins import ShopMixin

from ..checkout import invoice_blockers


class PaymentCancelView(ShopMixin, View):
    """The provider's "back to the shop" link: the basket is released (its
    payment session closed at the provider) and the cart kept."""

    def get(
        self, request: HttpRequest, org_slug: str, sale_id: uuid.UUID
    ) -> HttpResponse:
        if self.client is None:
            raise Http404
        sale = get_object_or_404(
            sales_of(self.organization.pk).filter(client=self.client),
            public_id=sale_id,
        )
        if sale.status == SaleStatus.PENDING:
            release_pending_sale(sale=sale, why="checkout.cancelled_by_buyer")
            sale.refresh_from_db()
        if sale.status == SaleStatus.PAID:
            return redirect(
                "shop:confirmation", org_slug=org_slug, sale_id=sale.public_id
            )
        messages.warning(
            request, _("Le paiement a été abandonné. Votre panier est conservé.")
        )
        return redirect("shop:cart", org_slug=org_slug)


class ConfirmationView(ShopMixin, TemplateView):
    """Where the provider sends the buyer back: paid, pending or dropped."""

    template_name = "shop/confirmation.html"
    # get() answers 404 to a visitor without a member record.
    client: Client
    sale: Sale

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.client is None:
            raise Http404
        self.sale = get_object_or_404(
            sales_of(self.organization.pk).filter(client=self.client),
            public_id=kwargs["sale_id"],
        )
        if self.sale.status == SaleStatus.ABANDONED:
            if request.GET.get("resultat") == PaymentStatus.REFUSED:
                messages.error(
                    request,
                    _("Le paiement a été refusé. Votre panier est conservé."),
                )
            else:
                messages.warning(
                    request,
                    _("Le paiement a été abandonné. Votre panier est conservé."),
                )
            return redirect("shop:cart", org_slug=self.organization.slug)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sale = self.sale
        invoices = list(invoices_of_client(self.client).filter(sale=sale))
        lines = list(sale.lines.all())
        context.update(
            sale=sale,
            lines=lines,
            invoices=invoices,
            missing_labels=field_labels(invoice_blockers(self.client, sale.park)),
            has_tickets=any(ln.product_kind in ADMISSION_KINDS for ln in lines),
            has_bookings=any(ln.product_kind == ProductKind.BOOKING for ln in lines),
            has_vouchers=any(
                ln.product_kind == ProductKind.GIFT_VOUCHER for ln in lines
            ),
            split_sales=split_sale_numbers(invoices),
            invoice_requested_at=None if invoices else invoice_requested_at(sale),
        )
        return context
