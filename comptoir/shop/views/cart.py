"""The basket: its page, adding, changing and removing lines, booking slots."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.catalog.models import ProductKind
from comptoir.catalog.selectors import offer_for
from comptoir.core.clock import DEFAULT_TIME_ZONE, local
from comptoir.storefront.cart import MAX_QUANTITY, price_cart
from comptoir.storefront.mixins import ShopMixin

from ..forms import (
    AddToCartForm,
    BookingSlotForm,
    CartQuantityForm,
    CartRemoveForm,
)
from .catalog import JUST_ADDED


class CartView(ShopMixin, TemplateView):
    template_name = "shop/cart.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Priced first: it drops what is no longer offered, before the count.
        cart = price_cart(self.cart, organization=self.organization, client=self.client)
        if cart.removed:
            messages.info(
                self.request,
                _("Certains produits ne sont plus disponibles et ont été retirés."),
            )
        context = super().get_context_data(**kwargs)
        tz = self.park.time_zone if self.park else DEFAULT_TIME_ZONE
        lines = []
        for line in cart.lines:
            slot_form = None
            if line.is_booking:
                initial: dict[str, Any] = {"line": line.id}
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
    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
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
    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
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
    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
        form = CartRemoveForm(request.POST)
        if form.is_valid() and self.cart.remove(line_id=form.cleaned_data["line"]):
            messages.success(request, _("Le produit a été retiré de votre panier."))
        return redirect("shop:cart", org_slug=org_slug)


class CartSlotView(ShopMixin, View):
    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
        line_id = request.POST.get("line", "")
        tz = self.park.time_zone if self.park else DEFAULT_TIME_ZONE
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
            # An offer was found for it: the line exists.
            quantity=cast(dict, raw)["quantity"],
        )
        if form.is_valid():
            self.cart.update(line_id=line_id, start=form.cleaned_data["start"])
            messages.success(request, _("Votre créneau est enregistré."))
        else:
            for error in form.errors.values():
                for message in error:
                    # An ErrorList yields its messages.
                    messages.error(request, cast(str, message))
        return redirect("shop:cart", org_slug=org_slug)
