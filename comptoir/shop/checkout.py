"""From a priced basket to a pending online sale waiting for its payment."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.customers.models import Client
from comptoir.customers.selectors import (
    is_online_invoice_eligible,
    missing_invoice_fields,
)
from comptoir.organizations.models import Park, User
from comptoir.payments.services import release_pending_sale
from comptoir.sales.models import Channel, Sale, SaleStatus
from comptoir.sales.selectors import sales_of
from comptoir.sales.services import create_sale
from comptoir.storefront.cart import PricedCart


class CheckoutError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def invoice_blockers(client: Client, park: Park | None) -> list[str]:
    """Fields an eligible member still lacks for its invoice to be issued
    automatically; empty when it will be (or when it is not eligible)."""
    if not is_online_invoice_eligible(client):
        return []
    return missing_invoice_fields(client, park)


def start_checkout(
    *,
    cart: PricedCart,
    client: Client,
    user: User | AnonymousUser | None,
    previous_sale_id: str | None = None,
) -> Sale:
    """A pending online sale at the member's prices, ready to be paid.

    A basket left pending by an earlier, unfinished checkout is abandoned:
    only the newest one can still be paid.
    """
    if cart.is_empty:
        raise CheckoutError([])
    problems = cart.problems(timezone.now())
    if problems:
        raise CheckoutError(problems)
    if previous_sale_id:
        previous = (
            sales_of(client.organization_id)
            .filter(
                public_id=previous_sale_id, client=client, status=SaleStatus.PENDING
            )
            .first()
        )
        if previous is not None:
            release_pending_sale(sale=previous, why="checkout.superseded")
            previous.refresh_from_db(fields=["status"])
            if previous.status != SaleStatus.ABANDONED:
                # The provider took (or is taking) the money for it: a new
                # basket now would charge the member twice.
                raise CheckoutError(
                    [
                        _(
                            "Le paiement de votre commande précédente est en cours "
                            "de confirmation : patientez quelques instants."
                        )
                    ]
                )
    return create_sale(
        park=cart.parks[0],
        client=client,
        channel=Channel.ONLINE,
        items=cart.items(),
        created_by=user,
    )
