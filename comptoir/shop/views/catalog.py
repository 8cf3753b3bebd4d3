"""The shop's front page: the products this visitor may buy."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from comptoir.catalog.models import ProductKind
from comptoir.catalog.selectors import offers_for
from comptoir.organizations.models import Organization
from comptoir.storefront.mixins import ShopMixin

# The product just put in the basket: its card says so after the redirect.
JUST_ADDED = "comptoir.shop.just_added"


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
        context["just_added"] = self.request.session.pop(JUST_ADDED, None)
        return context
