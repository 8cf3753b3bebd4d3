"""Sales: the list, one sale with its documents, invoicing and refunds."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.invoicing.exceptions import InvoicingError
from comptoir.invoicing.selectors import invoices_of_organization
from comptoir.invoicing.services.corrections import correctable_invoice_ids
from comptoir.invoicing.services.documents import pdf_bytes
from comptoir.payments.models import RefundStatus
from comptoir.payments.refunds import provider_payment_of, request_refund
from comptoir.payments.selectors import events_of_sale, refunds_of_sale
from comptoir.sales.models import PaymentMethod
from comptoir.sales.selectors import entitlements_of, sales_of
from comptoir.sales.services import SaleError, refund_sale

from ..forms.sales import RefundForm, SaleFilterForm
from ..history import entries
from ..mixins import StaffRequiredMixin
from ..queries import filter_sales, invoice_state, open_alerts
from .clients import safe_next
from .counter import issue_now

SALES_PER_PAGE = 50


class SaleListView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/sales/list.html"
    section = "sales"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SaleFilterForm(self.request.GET or None, organization=self.organization)
        data = form.cleaned_data if form.is_valid() else {}
        sales = filter_sales(self.organization.pk, data)
        page = Paginator(sales, SALES_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(form=form, page=page, total=page.paginator.count)
        return context


def sale_for(organization, public_id):
    return get_object_or_404(
        sales_of(organization.pk).select_related("organization"), public_id=public_id
    )


class SaleDetailView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/sales/detail.html"
    section = "sales"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sale = sale_for(self.organization, self.kwargs["public_id"])
        state = invoice_state(sale)
        refund_form = kwargs.get("refund_form")
        if refund_form is None and self.request.user.is_manager and sale.is_paid:
            refund_form = RefundForm(sale=sale)
        context.update(
            sale=sale,
            lines=sale.lines.all(),
            payments=sale.payments.select_related("recorded_by", "gift_voucher"),
            state=state,
            refund_form=refund_form if refund_form and refund_form.lines else None,
            alerts=open_alerts(self.organization.pk).filter(sale=sale),
            history=entries(sale, *state.documents),
            provider_events=events_of_sale(sale),
            provider_refunds=refunds_of_sale(sale),
            correctable=correctable_invoice_ids(sale),
        )
        context["entitlements"] = entitlements_of(sale)
        return context


class SaleIssueInvoiceView(StaffRequiredMixin, View):
    """Issue the sale's invoice by hand; refused with the missing fields."""

    def post(self, request, public_id):
        sale = sale_for(self.organization, public_id)
        issue_now(request, sale)
        back = safe_next(request)
        if back:
            return redirect(back)
        return redirect("backoffice:sale", public_id=sale.public_id)


class SaleRefundView(SaleDetailView):
    """Give back all or some lines; the invoice gets its credit note."""

    manager_only = True
    http_method_names = ["post"]

    def post(self, request, public_id):
        sale = sale_for(self.organization, public_id)
        form = RefundForm(request.POST, sale=sale)
        everything = "everything" in request.POST
        if not form.is_valid():
            messages.error(
                request, _("Remboursement non effectué : vérifiez le formulaire.")
            )
            return self.render_to_response(self.get_context_data(refund_form=form))
        if form.cleaned_data[
            "method"
        ] == PaymentMethod.ONLINE_CARD and provider_payment_of(sale):
            return _refund_through_provider(request, sale, form, everything)
        try:
            notes = refund_sale(
                sale=sale,
                quantities=form.quantities(everything),
                method=form.cleaned_data["method"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                reference=form.cleaned_data["reference"],
            )
        except (SaleError, InvoicingError) as exc:
            messages.error(request, exc.message)
            return redirect("backoffice:sale", public_id=sale.public_id)
        if notes:
            messages.success(
                request,
                _("Remboursement enregistré ; avoir %(numbers)s émis.")
                % {"numbers": ", ".join(n.number for n in notes)},
            )
        else:
            messages.success(request, _("Remboursement enregistré."))
        return redirect("backoffice:sale", public_id=sale.public_id)


def _refund_through_provider(request, sale, form, everything):
    """The provider gives the card its money back first; the credit note
    follows its acceptance (now, or when its webhook comes)."""
    try:
        refund = request_refund(
            sale=sale,
            quantities=form.quantities(everything),
            reason=form.cleaned_data["reason"],
            actor=request.user,
            reference=form.cleaned_data["reference"],
        )
    except (SaleError, InvoicingError) as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:sale", public_id=sale.public_id)
    if refund.status == RefundStatus.SUCCEEDED:
        messages.success(
            request,
            _("Remboursement accepté par le prestataire de paiement ; avoir émis."),
        )
    elif refund.status == RefundStatus.PENDING:
        messages.info(
            request,
            _(
                "Remboursement demandé au prestataire de paiement : l'avoir sera "
                "émis dès sa confirmation."
            ),
        )
    elif refund.status == RefundStatus.FAILED:
        messages.error(
            request,
            _(
                "Remboursement refusé par le prestataire : %(why)s. "
                "La vente n'a pas changé."
            )
            % {"why": refund.failure},
        )
    else:
        messages.error(
            request,
            _(
                "Le prestataire de paiement ne répond pas : rien n'a été remboursé. "
                "Un nouvel essai sera fait automatiquement."
            ),
        )
    return redirect("backoffice:sale", public_id=sale.public_id)


class DocumentDownloadView(StaffRequiredMixin, View):
    """One invoice or credit note as PDF (Factur-X), named by its number."""

    def get(self, request, public_id):
        document = get_object_or_404(
            invoices_of_organization(self.organization.pk), public_id=public_id
        )
        response = HttpResponse(pdf_bytes(document), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
        return response
