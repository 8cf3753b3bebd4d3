"""What every member-space page knows: the member, or the way to the login."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import (
    urlencode,
)

from comptoir.core.clock import DEFAULT_TIME_ZONE, business_date
from comptoir.customers.models import Client
from comptoir.storefront.mixins import ShopMixin


class MemberMixin(ShopMixin):
    """A page of this organization's member space.

    Anyone who is not a member of this organization (anonymous, staff, a
    member of another organization) is sent to this organization's login;
    `Http404` renders the member space's own "not found" page.
    """

    menu = ""
    # ShopMixin.setup sets it (Client | None); dispatch sends anyone without
    # one to the login, so the views below always see a Client.
    client: Client

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["menu"] = self.menu
        return context

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        try:
            if self.client is None:
                return self.redirect_to_login()
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return self.not_found()

    def today(self) -> dt.date:
        """Today's date at the park."""
        return business_date(
            timezone.now(), self.park.time_zone if self.park else DEFAULT_TIME_ZONE
        )

    def redirect_to_login(self) -> HttpResponse:
        url = reverse("members:login", kwargs={"org_slug": self.organization.slug})
        return redirect(f"{url}?{urlencode({'next': self.request.path})}")

    def not_found(self) -> HttpResponse:
        context = {
            "organization": self.organization,
            "park": self.park,
            "client": self.client,
            "cart_count": self.cart.count(),
            "invoices_eligible": self.is_eligible,
            "next": self.request.path,
        }
        return render(self.request, "members/not_found.html", context, status=404)


class EligibleMemberMixin(MemberMixin):
    """ "Vos factures": only for members eligible for online invoices.

    Anyone who is not a member here (logged out, staff, another
    organization's member: a link in a mail) is sent to the login page and
    back here; a member without an eligible group gets a 404, whatever it
    asks for.
    """

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if self.client is None:
            return self.redirect_to_login()
        if not self.is_eligible:
            return self.not_found()
        return super().dispatch(request, *args, **kwargs)
