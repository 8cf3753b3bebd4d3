"""The basket: its page, adding, changing and removing lines, booking slots."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.catalog.models import ProductKind
from comptoir.catalog.selectors import offer_for
from comptoir.core.clock import DEFAULT_TIME_ZONE, local
from comptoir.storefront.cart import (
    MAX_LINES,
    MAX_QUANTITY,
    Cart,
    price_cart,
)
from comptoir.storefront.mixins import ShopMixin

from ..forms import (
    AddToCartForm,
    BookingSlotForm,
    CartQuantityForm,
    CartRemoveForm,
)


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
        just_added = self.cart.take_just_added()
        added = next((ln for ln in cart.lines if ln.product.pk == just_added), None)
        if added is not None:
            messages.success(
                self.request,
                _("« %(name)s » a été ajouté à votre panier.")
                % {"name": added.product.name},
            )
            if added.is_booking and added.booking_start is None:
                messages.info(
                    self.request,
                    _("Choisissez maintenant votre date et votre créneau."),
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


class CartAddView(View):
    """« Ajouter »: the product goes into the basket's cookie, no database.

    Whether the product is offered to this visitor, and at what price, is
    judged when the basket is next priced: the shop's page the visitor is
    sent back to, the basket, the checkout. A product that is not is dropped
    there, with a message.
    """

    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
        cart = Cart(request, org_slug)
        form = AddToCartForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Quantité invalide."))
            return redirect("shop:home", org_slug=org_slug)
        # A basket already paid (the buyer never came back from the
        # provider's page) is emptied before anything is added to it.
        cart.settle()
        product_id = form.cleaned_data["product"]
        wanted = form.cleaned_data["quantity"]
        added = cart.add(product_id=product_id, quantity=wanted)
        if added < wanted:
            in_basket = any(ln["product"] == product_id for ln in cart.lines)
            if in_basket or len(cart.lines) < MAX_LINES:
                message = _(
                    "Un panier contient au plus %(max)s exemplaires d'un même produit."
                ) % {"max": MAX_QUANTITY}
            else:
                message = _(
                    "Un panier contient au plus %(lines)s produits différents : "
                    "payez celui-ci, puis commencez-en un autre."
                ) % {"lines": MAX_LINES}
            messages.warning(request, message)
        if not added or form.cleaned_data["booking"]:
            # A booking needs its date and slot: the basket asks for them.
            response = redirect("shop:cart", org_slug=org_slug)
        else:
            # Back to the product's card on the shop's page, whose address
            # the basket already holds (its cookies' path): no second
            # reverse(), nor redirect()'s attempt at reversing a path.
            response = HttpResponseRedirect(f"{cart.path}#produit-{product_id}")
        if added:
            cart.note_added(product_id)
        cart.write(response)
        return response


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
