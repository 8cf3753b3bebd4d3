"""The till ("Caisse"): a basket paid at the counter, invoiced on request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from comptoir.core.clock import DEFAULT_TIME_ZONE
from comptoir.core.money import format_money as money
from comptoir.customers.models import Client
from comptoir.customers.selectors import (
    clients_of,
    field_labels,
    missing_invoice_fields,
    search_clients,
)
from comptoir.invoicing.exceptions import IncompleteClientRecord, InvoicingError
from comptoir.invoicing.services import issue_invoices
from comptoir.organizations.models import Park
from comptoir.sales.models import Sale
from comptoir.sales.services import SaleError, record_counter_sale

from ..forms.counter import ClientSearchForm, CounterSaleForm
from ..mixins import StaffRequiredMixin
from ..queries import counter_prices, counter_products

# Buttons of the counter form that only re-draw it: nothing is checked or
# recorded, and every quantity typed so far is kept.
REDRAW_ACTIONS = {"search", "choose", "clear_client"}


class CounterView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/counter.html"
    section = "counter"

    def get_park(self) -> Park | None:
        parks = self.organization.parks.all()
        chosen = self.request.POST.get("parc") or self.request.GET.get("parc")
        if chosen:
            if not is_id(chosen):
                raise Http404
            return get_object_or_404(parks, pk=chosen)
        return parks.first()

    def get_client(self) -> Client | None:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        action = posted_action(data)
        if action == "clear_client":
            return None
        chosen = data.get("choose") if action == "choose" else data.get("client")
        if not chosen or not is_id(chosen):
            return None
        return get_object_or_404(clients_of(self.organization.pk), pk=chosen)

    def make_form(
        self,
        park: Park | None,
        client: Client | None,
        *,
        data: QueryDict | None = None,
        initial: dict[str, Any] | None = None,
        for_payment: bool = True,
    ) -> CounterSaleForm:
        products = list(counter_products(park)) if park else []
        return CounterSaleForm(
            data,
            organization=self.organization,
            products=products,
            prices=counter_prices(
                organization_id=self.organization.pk, client=client, products=products
            ),
            time_zone=park.time_zone if park else DEFAULT_TIME_ZONE,
            for_payment=for_payment,
            initial=initial,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        park = kwargs.get("park") or self.get_park()
        client = kwargs["client"] if "client" in kwargs else self.get_client()
        form = kwargs.get("form")
        if form is None:
            form = self.make_form(
                park, client, initial={"client": client.pk if client else None}
            )
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        search = ClientSearchForm(data if "q" in data else None)
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
            if text and client is None
            else None,
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        park = self.get_park()
        if park is None:
            return redirect("backoffice:counter")
        client = self.get_client()
        action = posted_action(request.POST)
        if action in REDRAW_ACTIONS:
            return self.redraw(park, client)
        form = self.make_form(
            park, client, data=request.POST, for_payment=action != "preview"
        )
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(park=park, form=form, client=client)
            )
        items = form.items()
        if action == "preview":
            return self.render_to_response(
                self.get_context_data(
                    park=park, form=form, client=client, **preview(form)
                )
            )
        try:
            sale = record_counter_sale(
                park=park,
                client=client,
                items=items,
                cashier=request.user,
                reference=form.cleaned_data["reference"],
                **form.payment(),
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
        change = sale_change(sale)
        if change:
            messages.info(
                request, _("Monnaie à rendre : %(amount)s.") % {"amount": money(change)}
            )
        if form.cleaned_data["issue_invoice"]:
            issue_now(request, sale)
        return redirect("backoffice:sale", public_id=sale.public_id)

    def redraw(self, park: Park | None, client: Client | None) -> HttpResponse:
        """The same basket, another client or search: nothing typed is lost."""
        carried: dict[str, Any] = {
            name: value
            for name, value in self.request.POST.items()
            if name not in {"client", "csrfmiddlewaretoken", "action", "choose"}
        }
        carried["client"] = client.pk if client else None
        form = self.make_form(park, client, initial=carried)
        return self.render_to_response(
            self.get_context_data(park=park, form=form, client=client)
        )


def posted_action(data: QueryDict) -> str:
    """Which button was pressed; a "Choisir" button carries the client id."""
    if "choose" in data:
        return "choose"
    return data.get("action", "")


def preview(form: CounterSaleForm) -> dict:
    """The basket's lines and total and, when the cash received covers it,
    the change; payment figures that do not add up are simply not shown."""
    # The form always sets the line price (CounterSaleForm.price_of).
    lines = [
        (item, cast(Decimal, item.unit_price_incl) * item.quantity)
        for item in form.items()
    ]
    return {
        "preview": lines,
        "preview_total": form.total(),
        "preview_change": form.change_due(),
    }


def sale_change(sale: Sale) -> Decimal:
    receipt = getattr(sale, "counter_receipt", None)
    return receipt.change_due if receipt is not None else Decimal("0.00")


def is_id(value: str) -> bool:
    """Whether a value from the query could be a primary key ("²" and "x"
    cannot: the database lookup would raise instead of finding nothing)."""
    return value.isascii() and value.isdigit()


def issue_now(request: HttpRequest, sale: Sale) -> bool:
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
