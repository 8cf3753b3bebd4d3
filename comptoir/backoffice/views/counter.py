"""The till ("Caisse"): a basket paid at the counter, invoiced on request."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from comptoir.customers.selectors import (
    clients_of,
    field_labels,
    missing_invoice_fields,
)
from comptoir.invoicing.exceptions import IncompleteClientRecord, InvoicingError
from comptoir.invoicing.services import issue_invoices
from comptoir.sales.services import SaleError, record_counter_sale

from ..forms import ClientSearchForm, CounterSaleForm
from ..mixins import StaffRequiredMixin
from ..queries import counter_products, search_clients


class CounterView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/counter.html"
    section = "counter"

    def get_park(self):
        parks = self.organization.parks.all()
        chosen = self.request.POST.get("parc") or self.request.GET.get("parc")
        if chosen:
            if not is_id(chosen):
                raise Http404
            return get_object_or_404(parks, pk=chosen)
        return parks.first()

    def get_client(self):
        chosen = self.request.GET.get("client")
        if not chosen or not is_id(chosen):
            return None
        return get_object_or_404(clients_of(self.organization.pk), pk=chosen)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        park = kwargs.get("park") or self.get_park()
        form = kwargs.get("form")
        client = kwargs["client"] if "client" in kwargs else self.get_client()
        if form is None:
            form = CounterSaleForm(
                organization=self.organization,
                products=counter_products(park) if park else [],
                initial={"client": client.pk if client else None},
            )
        search = ClientSearchForm(self.request.GET or None)
        text = search.cleaned_data.get("q", "") if search.is_valid() else ""
        context.update(
            park=park,
            parks=self.organization.parks.all(),
            form=form,
            client=client,
            client_missing=missing_invoice_fields(client, park) if client else [],
            search=search,
            search_text=text,
            matches=search_clients(clients_of(self.organization.pk), text)[:15]
            if text
            else None,
        )
        return context

    def post(self, request):
        park = self.get_park()
        if park is None:
            return redirect("backoffice:counter")
        form = CounterSaleForm(
            request.POST,
            organization=self.organization,
            products=counter_products(park),
        )
        if not form.is_valid():
            client = form.cleaned_data.get("client")
            return self.render_to_response(
                self.get_context_data(park=park, form=form, client=client)
            )
        client = form.cleaned_data["client"]
        items = form.items()
        if request.POST.get("action") == "preview":
            lines = [(i, i.product.price_incl * i.quantity) for i in items]
            return self.render_to_response(
                self.get_context_data(
                    park=park,
                    form=form,
                    client=client,
                    preview=lines,
                    preview_total=sum((amount for _i, amount in lines), Decimal(0)),
                )
            )
        try:
            sale = record_counter_sale(
                park=park,
                client=client,
                items=items,
                method=form.cleaned_data["method"],
                cashier=request.user,
                reference=form.cleaned_data["reference"],
            )
        except SaleError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(
                self.get_context_data(park=park, form=form, client=client)
            )
        messages.success(
            request,
            _("Vente %(number)s enregistrée.") % {"number": sale.number},
        )
        if form.cleaned_data["issue_invoice"]:
            issue_now(request, sale)
        return redirect("backoffice:sale", public_id=sale.public_id)


def is_id(value: str) -> bool:
    """Whether a value from the query could be a primary key ("²" and "x"
    cannot: the database lookup would raise instead of finding nothing)."""
    return value.isascii() and value.isdigit()


def issue_now(request, sale) -> bool:
    """Issue the sale's invoice and say what happened; False when refused."""
    try:
        invoices = issue_invoices(sale=sale, issued_by=request.user)
    except IncompleteClientRecord as exc:
        messages.error(
            request,
            _(
                "Facture non générée : fiche client incomplète. Champs manquants : "
                "%(fields)s."
            )
            % {"fields": ", ".join(field_labels(exc.missing))},
        )
        return False
    except InvoicingError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(
        request,
        _("Facture %(numbers)s générée.")
        % {"numbers": ", ".join(i.number for i in invoices)},
    )
    return True
