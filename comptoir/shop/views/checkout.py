"""Checkout: the summary, the company data an invoice needs, paying."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from comptoir.core.middleware import CSP
from comptoir.customers.models import Client
from comptoir.customers.selectors import field_labels
from comptoir.customers.services import save_client
from comptoir.payments.providers import PaymentProvider
from comptoir.payments.services import (
    PaymentsNotConfigured,
    PaymentStartFailed,
    checkout_provider,
    start_payment,
)
from comptoir.sales.services import SaleError
from comptoir.storefront.cart import PricedCart, price_cart
from comptoir.storefront.mixins import ShopMixin

from ..checkout import CheckoutError, invoice_blockers, start_checkout
from ..forms import (
    CheckoutCompanyForm,
)


class CheckoutView(ShopMixin, TemplateView):
    """Summary with VAT, company data when an invoice would be blocked, pay."""

    template_name = "shop/checkout.html"
    # The provider account, for the pay button and `start_payment`.
    organization_related = ("payment_account",)
    # dispatch() sends a visitor without a member record to the login page.
    client: Client

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if self.client is None:
            login = reverse("members:login", kwargs={"org_slug": kwargs["org_slug"]})
            messages.info(
                request, _("Connectez-vous à votre espace membre pour commander.")
            )
            return redirect(f"{login}?{urlencode({'next': request.path})}")
        return super().dispatch(request, *args, **kwargs)

    def priced(self) -> PricedCart:
        return price_cart(self.cart, organization=self.organization, client=self.client)

    def get_context_data(
        self, company_form: CheckoutCompanyForm | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cart = self.priced()
        park = cart.parks[0] if cart.parks else self.park
        missing = invoice_blockers(self.client, park)
        if missing and company_form is None:
            company_form = CheckoutCompanyForm(instance=self.client, park=park)
        context.update(
            priced=cart,
            checkout_park=park,
            missing_labels=field_labels(missing),
            company_form=company_form
            if missing or (company_form is not None and company_form.errors)
            else None,
            provider=self.provider(),
        )
        return context

    def provider(self) -> PaymentProvider | None:
        try:
            return checkout_provider(self.organization)[0]
        except PaymentsNotConfigured:
            return None

    def render_to_response(
        self, context: dict[str, Any], **response_kwargs: Any
    ) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        provider = context.get("provider")
        if provider is not None and provider.page_origins():
            # The pay button's answer is a redirect to the provider's page:
            # the form-action directive must name it, or the browser stops.
            origins = " ".join(provider.page_origins())
            response["Content-Security-Policy"] = CSP.replace(
                "form-action 'self'", f"form-action 'self' {origins}"
            )
        return response

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.priced().is_empty:
            messages.info(request, _("Votre panier est vide."))
            return redirect("shop:cart", org_slug=self.organization.slug)
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
        if request.POST.get("action") == "company":
            return self.save_company(request)
        return self.pay(request)

    def save_company(self, request: HttpRequest) -> HttpResponse:
        cart = self.priced()
        park = cart.parks[0] if cart.parks else self.park
        form = CheckoutCompanyForm(request.POST, instance=self.client, park=park)
        if not form.is_valid():
            # Validation copied the refused values onto the client: judge
            # what is missing from the stored record, or the form and its
            # errors would not be shown.
            self.client.refresh_from_db()
            return self.render_to_response(self.get_context_data(company_form=form))
        save_client(
            client=form.instance,
            values=form.record_values(),
            actor=request.user,
            organization=self.organization,
        )
        messages.success(
            request,
            _(
                "Vos données d'entreprise sont enregistrées : votre facture sera "
                "émise automatiquement après le paiement."
            ),
        )
        return redirect("shop:checkout", org_slug=self.organization.slug)

    def save_company_before_paying(self, request: HttpRequest) -> HttpResponse | None:
        """Company data typed beside "Payer" is saved first, so the invoice
        can be issued; with errors, nothing is paid and the form says why.

        Returns the page to show instead of paying, or None to go on.
        """
        if not any(name in request.POST for name in CheckoutCompanyForm.base_fields):
            return None
        cart = self.priced()
        park = cart.parks[0] if cart.parks else self.park
        form = CheckoutCompanyForm(request.POST, instance=self.client, park=park)
        if not form.has_changed():
            return None
        if not form.is_valid():
            self.client.refresh_from_db()
            messages.error(
                request,
                _(
                    "Le paiement n'a pas commencé : corrigez les données "
                    "d'entreprise signalées, puis payez à nouveau."
                ),
            )
            return self.render_to_response(self.get_context_data(company_form=form))
        save_client(
            client=form.instance,
            values=form.record_values(),
            actor=request.user,
            organization=self.organization,
        )
        messages.success(request, _("Vos données d'entreprise sont enregistrées."))
        return None

    def pay(self, request: HttpRequest) -> HttpResponse:
        if self.provider() is None:
            messages.error(
                request,
                _("Le paiement en ligne n'est pas encore disponible pour ce compte."),
            )
            return redirect("shop:cart", org_slug=self.organization.slug)
        refused = self.save_company_before_paying(request)
        if refused is not None:
            return refused
        try:
            sale = start_checkout(
                cart=self.priced(),
                client=self.client,
                user=request.user,
                previous_sale_id=self.cart.pending_sale_id,
            )
        except (CheckoutError, SaleError) as exc:
            for message in getattr(exc, "messages", None) or [str(exc)]:
                messages.error(request, message)
            return redirect("shop:cart", org_slug=self.organization.slug)
        self.cart.await_payment(sale)
        if sale.organization_id == self.organization.pk:
            # Already read for this request: the provider needs its slug.
            sale.organization = self.organization
        return_url = request.build_absolute_uri(
            reverse(
                "shop:confirmation",
                kwargs={"org_slug": self.organization.slug, "sale_id": sale.public_id},
            )
        )
        cancel_url = request.build_absolute_uri(
            reverse(
                "shop:payment_cancel",
                kwargs={"org_slug": self.organization.slug, "sale_id": sale.public_id},
            )
        )
        try:
            url = start_payment(sale=sale, return_url=return_url, cancel_url=cancel_url)
        except (PaymentsNotConfigured, PaymentStartFailed) as exc:
            messages.error(request, exc.message)
            return redirect("shop:cart", org_slug=self.organization.slug)
        return HttpResponseRedirect(url)
