"""The shop's front page: the products this visitor may buy."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from comptoir.catalog.models import ProductKind
from comptoir.catalog.selectors import offers_for
from comptoir.organizations.models import Organization
from comptoir.storefront.mixins import ShopMixin


def home(request: HttpRequest) -> HttpResponse:
    """`/` leads to the first organization's shop (the demo's `/try/`)."""
    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        return redirect("admin:index")
    return redirect("shop:home", org_slug=organization.slug)


class ShopHomeView(ShopMixin, TemplateView):
    """The products this visitor may buy: public ones at the public price,
    and for a member its groups' private shop at the group price."""

    template_name = "shop/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
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
        # The basket is judged against the same offers: what was added but
        # is not offered to this visitor leaves it now, and is not counted.
        offered = {offer.product.pk for offer in offers}
        if self.cart.keep_only(offered):
            messages.info(
                self.request,
                _("Certains produits ne sont plus disponibles et ont été retirés."),
            )
        just_added = self.cart.take_just_added()
        added = next((o for o in offers if o.product.pk == just_added), None)
        if added is not None:
            messages.success(
                self.request,
                _("« %(name)s » a été ajouté à votre panier.")
                % {"name": added.product.name},
            )
        context["just_added"] = just_added if added is not None else None
        context["cart_count"] = self.cart.count()
        return context
