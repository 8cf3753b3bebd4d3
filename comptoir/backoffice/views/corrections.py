"""Correct an invoice: fix the client record, then credit note + new invoice."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from comptoir.invoicing.exceptions import InvoicingError
from comptoir.invoicing.selectors import invoices_of_organization
from comptoir.invoicing.services.corrections import correct_invoice

from ..forms.corrections import InvoiceCorrectionForm
from ..mixins import StaffRequiredMixin


class InvoiceCorrectView(StaffRequiredMixin, TemplateView):
    """ "Corriger la facture": the buyer's data were wrong on an invoice."""

    template_name = "backoffice/invoices/correct.html"
    section = "sales"

    def invoice(self):
        return get_object_or_404(
            invoices_of_organization(self.organization.pk).filter(
                kind="invoice", client__isnull=False
            ),
            public_id=self.kwargs["public_id"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invoice = kwargs.get("invoice") or self.invoice()
        form = kwargs.get("form") or InvoiceCorrectionForm(instance=invoice.client)
        context.update(invoice=invoice, form=form, buyer=invoice.snapshot["buyer"])
        return context

    def post(self, request, public_id):
        invoice = self.invoice()
        form = InvoiceCorrectionForm(request.POST, instance=invoice.client)
        if not form.is_valid():
            messages.error(request, _("Correction non effectuée : vérifiez la fiche."))
            return self.render_to_response(
                self.get_context_data(invoice=invoice, form=form)
            )
        try:
            correction = correct_invoice(
                invoice=invoice,
                reason=form.cleaned_data["reason"],
                corrected_by=request.user,
                buyer_changes={
                    name: form.cleaned_data[name]
                    for name in InvoiceCorrectionForm.Meta.fields
                },
            )
        except InvoicingError as exc:
            # Nothing was written; the form keeps what was typed.
            messages.error(request, exc.message)
            return self.render_to_response(
                self.get_context_data(invoice=invoice, form=form)
            )
        messages.success(
            request,
            _("Facture corrigée : avoir %(note)s et nouvelle facture %(invoice)s émis.")
            % {
                "note": correction.credit_note.number,
                "invoice": correction.invoice.number,
            },
        )
        return redirect("backoffice:sale", public_id=invoice.sale.public_id)
