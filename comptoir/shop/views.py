"""The shop: catalog, basket, checkout, payment and confirmation."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.core import signing
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from comptoir.catalog.models import ADMISSION_KINDS, ProductKind
from comptoir.catalog.selectors import offer_for, offers_for
from comptoir.core.clock import DEFAULT_TIME_ZONE, local
from comptoir.core.middleware import CSP
from comptoir.customers.selectors import field_labels
from comptoir.customers.services import save_client_record
from comptoir.invoicing.selectors import (
    invoice_requested_at,
    invoices_of_client,
    split_sale_numbers,
)
from comptoir.organizations.models import Organization
from comptoir.payments.models import EventOutcome
from comptoir.payments.notifications import UnknownSale, receive_notification
from comptoir.payments.providers import (
    InvalidNotification,
    PaymentStatus,
    get_provider,
    simulator_enabled,
)
from comptoir.payments.providers.simulator import (
    build_notification,
    read_session,
    transaction_id,
)
from comptoir.payments.selectors import session_is_open
from comptoir.payments.services import (
    PaymentsNotConfigured,
    PaymentStartFailed,
    checkout_provider,
    release_pending_sale,
    start_payment,
)
from comptoir.sales.models import SaleStatus
from comptoir.sales.selectors import sales_of
from comptoir.sales.services import SaleError

from .cart import MAX_QUANTITY, price_cart
from .checkout import CheckoutError, invoice_blockers, start_checkout
from .forms import (
    AddToCartForm,
    BookingSlotForm,
    CartQuantityForm,
    CartRemoveForm,
    CheckoutCompanyForm,
)
from .mixins import ShopMixin

DEFAULT_TZ = DEFAULT_TIME_ZONE
# The product just put in the basket: its card says so after the redirect.
JUST_ADDED = "comptoir.shop.just_added"


def home(request):
    """`/` leads to the first organization's shop (the demo's `/try/`)."""
    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        return redirect("admin:index")
    return redirect("shop:home", org_slug=organization.slug)


class ShopHomeView(ShopMixin, TemplateView):
    """The products this visitor may buy: public ones at the public price,
    and for a member its groups' private shop at the group price."""

    template_name = "shop/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offers = offers_for(organization_id=self.organization.pk, client=self.client)
        sections: OrderedDict[str, dict] = OrderedDict()
        for kind in ProductKind:
            sections[kind.value] = {"kind": kind, "label": kind.label, "offers": []}
        for offer in offers:
            sections[offer.product.kind]["offers"].append(offer)
        context["sections"] = [s for s in sections.values() if s["offers"]]
        context["private_groups"] = sorted(
            {o.group_name for o in offers if o.group_name}
        )
        context["has_offers"] = bool(offers)
        context["just_added"] = self.request.session.pop(JUST_ADDED, None)
        return context


class CartView(ShopMixin, TemplateView):
    template_name = "shop/cart.html"

    def get_context_data(self, **kwargs):
        # Priced first: it drops what is no longer offered, before the count.
        cart = price_cart(self.cart, organization=self.organization, client=self.client)
        if cart.removed:
            messages.info(
                self.request,
                _("Certains produits ne sont plus disponibles et ont été retirés."),
            )
        context = super().get_context_data(**kwargs)
        tz = self.park.time_zone if self.park else DEFAULT_TZ
        lines = []
        for line in cart.lines:
            slot_form = None
            if line.is_booking:
                initial = {"line": line.id}
                if line.booking_start:
                    start = local(line.booking_start, tz)
                    initial.update(day=start.date(), time=start.strftime("%H:%M"))
                slot_form = BookingSlotForm(
                    initial=initial,
                    time_zone=tz,
                    prefix=f"slot-{line.id}",
                    product=line.product,
                    quantity=line.quantity,
                )
            lines.append((line, slot_form))
        context.update(
            priced=cart,
            lines=lines,
            time_zone=tz,
            problems=cart.problems(timezone.now()),
        )
        return context


class CartAddView(ShopMixin, View):
    def post(self, request, org_slug):
        form = AddToCartForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Quantité invalide."))
            return redirect("shop:home", org_slug=org_slug)
        offer = offer_for(
            organization_id=self.organization.pk,
            client=self.client,
            product_id=form.cleaned_data["product"],
        )
        if offer is None:
            raise Http404
        added = self.cart.add(
            product_id=offer.product.pk,
            quantity=form.cleaned_data["quantity"],
            is_booking=offer.product.kind == ProductKind.BOOKING,
        )
        if added < form.cleaned_data["quantity"]:
            messages.warning(
                request,
                _("Un panier contient au plus %(max)s « %(name)s ».")
                % {"max": MAX_QUANTITY, "name": offer.product.name},
            )
            if not added:
                return redirect("shop:cart", org_slug=org_slug)
        messages.success(
            request,
            _("« %(name)s » a été ajouté à votre panier.")
            % {"name": offer.product.name},
        )
        if offer.product.kind == ProductKind.BOOKING:
            messages.info(
                request, _("Choisissez maintenant votre date et votre créneau.")
            )
            return redirect("shop:cart", org_slug=org_slug)
        request.session[JUST_ADDED] = offer.product.pk
        return redirect(
            f"{reverse('shop:home', args=[org_slug])}#produit-{offer.product.pk}"
        )


class CartUpdateView(ShopMixin, View):
    def post(self, request, org_slug):
        form = CartQuantityForm(request.POST)
        if form.is_valid():
            self.cart.update(
                line_id=form.cleaned_data["line"],
                quantity=form.cleaned_data["quantity"],
            )
            messages.success(request, _("Votre panier a été mis à jour."))
        else:
            messages.error(request, _("Saisissez une quantité entre 0 et 99."))
        return redirect("shop:cart", org_slug=org_slug)


class CartRemoveView(ShopMixin, View):
    def post(self, request, org_slug):
        form = CartRemoveForm(request.POST)
        if form.is_valid() and self.cart.remove(line_id=form.cleaned_data["line"]):
            messages.success(request, _("Le produit a été retiré de votre panier."))
        return redirect("shop:cart", org_slug=org_slug)


class CartSlotView(ShopMixin, View):
    def post(self, request, org_slug):
        line_id = request.POST.get("line", "")
        tz = self.park.time_zone if self.park else DEFAULT_TZ
        raw = next((ln for ln in self.cart.lines if ln["id"] == line_id), None)
        offer = (
            offer_for(
                organization_id=self.organization.pk,
                client=self.client,
                product_id=raw["product"],
            )
            if raw
            else None
        )
        if offer is None or offer.product.kind != ProductKind.BOOKING:
            messages.error(request, _("Cette ligne n'est plus dans votre panier."))
            return redirect("shop:cart", org_slug=org_slug)
        form = BookingSlotForm(
            request.POST,
            time_zone=tz,
            prefix=f"slot-{line_id}",
            product=offer.product,
            quantity=raw["quantity"],
        )
        if form.is_valid():
            self.cart.update(line_id=line_id, start=form.cleaned_data["start"])
            messages.success(request, _("Votre créneau est enregistré."))
        else:
            for error in form.errors.values():
                for message in error:
                    messages.error(request, message)
        return redirect("shop:cart", org_slug=org_slug)


class CheckoutView(ShopMixin, TemplateView):
    """Summary with VAT, company data when an invoice would be blocked, pay."""

    template_name = "shop/checkout.html"
    # The provider account, for the pay button and `start_payment`.
    organization_related = ("payment_account",)

    def dispatch(self, request, *args, **kwargs):
        if self.client is None:
            login = reverse("members:login", kwargs={"org_slug": kwargs["org_slug"]})
            messages.info(
                request, _("Connectez-vous à votre espace membre pour commander.")
            )
            return redirect(f"{login}?{urlencode({'next': request.path})}")
        return super().dispatch(request, *args, **kwargs)

    def priced(self):
        return price_cart(self.cart, organization=self.organization, client=self.client)

    def get_context_data(self, company_form=None, **kwargs):
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

    def provider(self):
        try:
            return checkout_provider(self.organization)[0]
        except PaymentsNotConfigured:
            return None

    def render_to_response(self, context, **response_kwargs):
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

    def get(self, request, *args, **kwargs):
        if self.priced().is_empty:
            messages.info(request, _("Votre panier est vide."))
            return redirect("shop:cart", org_slug=self.organization.slug)
        return super().get(request, *args, **kwargs)

    def post(self, request, org_slug):
        if request.POST.get("action") == "company":
            return self.save_company(request)
        return self.pay(request)

    def save_company(self, request):
        cart = self.priced()
        park = cart.parks[0] if cart.parks else self.park
        form = CheckoutCompanyForm(request.POST, instance=self.client, park=park)
        if not form.is_valid():
            # Validation copied the refused values onto the client: judge
            # what is missing from the stored record, or the form and its
            # errors would not be shown.
            self.client.refresh_from_db()
            return self.render_to_response(self.get_context_data(company_form=form))
        save_client_record(
            form=form, actor=request.user, organization=self.organization
        )
        messages.success(
            request,
            _(
                "Vos données d'entreprise sont enregistrées : votre facture sera "
                "émise automatiquement après le paiement."
            ),
        )
        return redirect("shop:checkout", org_slug=self.organization.slug)

    def save_company_before_paying(self, request):
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
        save_client_record(
            form=form, actor=request.user, organization=self.organization
        )
        messages.success(request, _("Vos données d'entreprise sont enregistrées."))
        return None

    def pay(self, request):
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


class PaymentCancelView(ShopMixin, View):
    """The provider's "back to the shop" link: the basket is released (its
    payment session closed at the provider) and the cart kept."""

    def get(self, request, org_slug, sale_id):
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

    def get(self, request, *args, **kwargs):
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

    def get_context_data(self, **kwargs):
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


class SimulatorView(ShopMixin, TemplateView):
    """The simulated provider's own payment page.

    It stands for the PSP's site: it knows only its signed payment session,
    and tells Comptoir the outcome through the signed notification, the same
    way a real provider would.
    """

    template_name = "shop/simulator.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not simulator_enabled():
            raise Http404
        try:
            self.session = read_session(kwargs["token"])
        except signing.SignatureExpired:
            self.session = None
            self.expired = True
        except signing.BadSignature:
            raise Http404 from None
        else:
            self.expired = False
            if self.session["org"] != self.organization.slug:
                raise Http404

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(session=self.session, expired=self.expired, closed=self.closed)
        return context

    @property
    def closed(self) -> bool:
        """Like a real provider's expired session: a superseded or abandoned
        basket's page takes no payment."""
        if self.session is None:
            return False
        return not session_is_open(
            provider="simulator", session_id=transaction_id(self.kwargs["token"])
        )

    def post(self, request, org_slug, token):
        if self.session is None:
            return self.get(request, org_slug=org_slug, token=token)
        status = {
            "pay": PaymentStatus.PAID,
            "refuse": PaymentStatus.REFUSED,
            "abandon": PaymentStatus.CANCELLED,
        }.get(request.POST.get("action", ""))
        if status is None:
            return HttpResponseBadRequest()
        if self.closed:
            return self.get(request, org_slug=org_slug, token=token)
        body, headers = build_notification(token=token, status=status)
        # Server to server, through the very code the notification endpoint
        # runs, signature check included.
        try:
            receive_notification(
                organization=self.organization,
                provider=get_provider("simulator"),
                body=body,
                headers=headers,
            )
        except (InvalidNotification, UnknownSale):
            pass  # the return page shows the sale as it stands
        url = self.session["return"]
        if status != PaymentStatus.PAID:
            url = f"{url}?{urlencode({'resultat': status})}"
        return HttpResponseRedirect(url)


@method_decorator(csrf_exempt, name="dispatch")
class NotificationView(View):
    """Server-to-server notifications: no CSRF token, a signature instead."""

    def post(self, request, org_slug, provider):
        organization = get_object_or_404(
            Organization.objects.select_related("payment_account"), slug=org_slug
        )
        payment_provider = get_provider(provider)
        if payment_provider is None:
            raise Http404
        try:
            result = receive_notification(
                organization=organization,
                provider=payment_provider,
                body=request.body,
                headers=request.headers,
            )
        except InvalidNotification:
            return HttpResponseBadRequest("invalid notification")
        except UnknownSale:
            if payment_provider.real:
                # Logged for the operator; a retry would change nothing.
                return HttpResponse("unknown sale, logged")
            return HttpResponse("unknown sale", status=404)
        refused = result.outcome in (EventOutcome.REFUSED, EventOutcome.AMOUNT_MISMATCH)
        if refused and not payment_provider.real:
            return HttpResponse(result.message, status=409)
        # A real provider retries anything but a 2xx for days: what could not
        # be applied is in the provider log, with an alert.
        return HttpResponse("OK")
