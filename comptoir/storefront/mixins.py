"""What every customer-facing page knows: the organization, its park, the
member logged in for it (if any) and the basket."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.generic.base import ContextMixin, View

from comptoir.customers.access import home_park, member_client
from comptoir.customers.selectors import is_online_invoice_eligible
from comptoir.organizations.selectors import organization_by_slug

from .cart import Cart


class ShopMixin(ContextMixin, View):
    """Resolve `/<org_slug>/…`: an unknown organization is a 404."""

    # Read in the organization's query (`select_related`), for a view that
    # needs them: no query of their own.
    organization_related: tuple[str, ...] = ()

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        organization = organization_by_slug(
            kwargs["org_slug"], related=self.organization_related
        )
        if organization is None:
            raise Http404
        self.organization = organization
        self.client = member_client(request, self.organization)
        self.park = home_park(self.organization, self.client)
        self.cart = Cart(request, self.organization.slug)
        self.cart.settle()

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().dispatch(request, *args, **kwargs)
        # The basket changed by this request (added to, priced, paid, the
        # note of the product just added shown) is stored with the answer.
        self.cart.write(response)
        return response

    @property
    def is_eligible(self) -> bool:
        if not hasattr(self, "_eligible"):
            self._eligible = self.client is not None and is_online_invoice_eligible(
                self.client
            )
        return self._eligible

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            organization=self.organization,
            park=self.park,
            client=self.client,
            cart_count=self.cart.count(),
            invoices_eligible=self.is_eligible,
        )
        return context
