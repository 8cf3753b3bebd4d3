"""The provider's side: the simulated payment page, the signed notifications."""

from __future__ import annotations

from typing import Any, cast

from django.core import signing
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from comptoir.organizations.selectors import organization_by_slug
from comptoir.payments.models import EventOutcome
from comptoir.payments.notifications import UnknownSale, receive_notification
from comptoir.payments.providers import (
    InvalidNotification,
    PaymentProvider,
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
from comptoir.storefront.mixins import ShopMixin


class SimulatorView(ShopMixin, TemplateView):
    """The simulated provider's own payment page.

    It stands for the PSP's site: it knows only its signed payment session,
    and tells Comptoir the outcome through the signed notification, the same
    way a real provider would.
    """

    template_name = "shop/simulator.html"
    # Set by setup(): the signed payment session, None once expired.
    session: dict | None
    expired: bool

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
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

    def post(self, request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
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
                # Enabled: setup() checked it.
                provider=cast(PaymentProvider, get_provider("simulator")),
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

    def post(self, request: HttpRequest, org_slug: str, provider: str) -> HttpResponse:
        organization = organization_by_slug(org_slug, related=("payment_account",))
        if organization is None:
            raise Http404
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
