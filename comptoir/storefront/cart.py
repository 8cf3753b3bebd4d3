"""The basket, kept in a signed cookie of the organization's pages until it
is paid.

The cookie holds only product ids, quantities and chosen time slots (and the
sale sent to the payment provider last); prices are read again from the
catalog (`offers_for`, only the basket's products) every time the basket is
shown or paid, so a member always pays its group's current price: nothing
about a price outlives the request. Adding to the basket therefore needs no
database at all: what is no longer offered is dropped when the basket is
next priced (the shop's page, the basket, the checkout).

The cookie is signed with the secret key and a salt naming the organization
(a basket of one shop means nothing in another), scoped to the
organization's path, HTTP-only, and as secure as the session's cookie.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, ProductKind
from comptoir.catalog.selectors import Offer, offers_for
from comptoir.core.money import ZERO
from comptoir.core.totals import DocumentTotals, LineInput, compute_totals
from comptoir.customers.models import Client
from comptoir.organizations.models import Organization, Park
from comptoir.sales.models import Sale
from comptoir.sales.places import remaining_places
from comptoir.sales.selectors import is_paid_sale
from comptoir.sales.services import Item

MAX_QUANTITY = 99
# Distinct lines a basket may hold: what a cookie can carry with room to spare.
MAX_LINES = 40
# Cookies are named after the organization and scoped to its pages.
BASKET_COOKIE = "comptoir_basket_{}"
# The product just added, for its card to say so once (not signed: it only
# chooses which card shows the note), remembered for the redirect only.
ADDED_COOKIE = "comptoir_added_{}"
JUST_ADDED_SECONDS = 60


def basket_path(org_slug: str) -> str:
    """The organization's pages (shop and member space): the cookies' path."""
    return reverse("shop:home", kwargs={"org_slug": org_slug})


class Cart:
    """Lines of one organization's basket, read from the request's cookie.

    Changes are kept in memory until `write(response)` stores them (the
    customer-facing views do it once their answer is ready).
    """

    def __init__(self, request: HttpRequest, org_slug: str):
        self.salt = f"comptoir.basket:{org_slug}"
        self.path = basket_path(org_slug)
        self.cookie = BASKET_COOKIE.format(org_slug)
        self.added_cookie = ADDED_COOKIE.format(org_slug)
        raw = request.COOKIES.get(self.cookie)
        self._raw = raw
        self._lines, self._pending = self._decode(raw, self.salt)
        self.changed = False
        self._added_raw = request.COOKIES.get(self.added_cookie)
        self._added: int | None = None  # added by this request
        self._added_shown = False  # its note shown: the cookie goes

    @staticmethod
    def _decode(raw: str | None, salt: str) -> tuple[list[dict], str | None]:
        """The stored basket; a cookie that is not one signed here (tampered,
        expired, from another organization, an older format) is an empty
        basket."""
        if not raw:
            return [], None
        try:
            data = signing.loads(raw, salt=salt, max_age=settings.SESSION_COOKIE_AGE)
            lines = [
                {
                    "id": str(line_id),
                    "product": int(product),
                    "quantity": int(quantity),
                    "start": start if isinstance(start, str) else None,
                }
                for line_id, product, quantity, start in data.get("l", [])
            ]
            pending = data.get("p")
        except (signing.BadSignature, ValueError, TypeError, AttributeError):
            return [], None
        return lines, pending if isinstance(pending, str) else None

    def _encode(self) -> str:
        data = {
            "l": [
                [ln["id"], ln["product"], ln["quantity"], ln["start"]]
                for ln in self._lines
            ],
            "p": self._pending,
        }
        return signing.dumps(data, salt=self.salt)

    def _set(
        self, response: HttpResponseBase, name: str, value: str, max_age: int
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=self.path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )

    def write(self, response: HttpResponseBase) -> None:
        """Store on `response` what changed: the basket (deleted when empty)
        and the product just added (deleted once shown)."""
        if self._added_shown:
            response.delete_cookie(self.added_cookie, path=self.path, samesite="Lax")
        elif self._added is not None:
            self._set(response, self.added_cookie, str(self._added), JUST_ADDED_SECONDS)
        if not self.changed:
            return
        if not self._lines and not self._pending:
            if self._raw is not None:
                response.delete_cookie(self.cookie, path=self.path, samesite="Lax")
            return
        self._set(response, self.cookie, self._encode(), settings.SESSION_COOKIE_AGE)

    def note_added(self, product_id: int) -> None:
        """Remember the product just added, for its card to say so once."""
        self._added = product_id

    def take_just_added(self) -> int | None:
        """The product just added (its cookie is deleted with this answer)."""
        raw = self._added_raw
        if raw is None:
            return None
        self._added_shown = True
        return int(raw) if raw.isdigit() and len(raw) < 19 else None

    @property
    def lines(self) -> list[dict]:
        return [dict(line) for line in self._lines]

    def _save(self, lines: list[dict]) -> None:
        self._lines = lines
        self.changed = True

    def count(self) -> int:
        return sum(line["quantity"] for line in self._lines)

    @staticmethod
    def _room(lines: list[dict], product_id: int, line_id: str | None) -> int:
        """How many of a product one line may hold: MAX_QUANTITY per product,
        whatever the number of lines (one per booking slot) it is spread on."""
        others = sum(
            ln["quantity"]
            for ln in lines
            if ln["product"] == product_id and ln["id"] != line_id
        )
        return max(MAX_QUANTITY - others, 0)

    def add(self, *, product_id: int, quantity: int) -> int:
        """Add up to `quantity`; returns how many were added under the caps
        (per product, and MAX_LINES lines)."""
        lines = self.lines
        for line in lines:
            # A booking already given a slot stays as it is: another one of
            # the same activity gets its own line and its own slot.
            if line["product"] == product_id and not line.get("start"):
                before = line["quantity"]
                line["quantity"] = min(
                    before + quantity, self._room(lines, product_id, line["id"])
                )
                self._save(lines)
                return max(line["quantity"] - before, 0)
        quantity = min(quantity, self._room(lines, product_id, None))
        if quantity <= 0 or len(lines) >= MAX_LINES:
            return 0
        lines.append(
            {
                "id": secrets.token_hex(4),
                "product": product_id,
                "quantity": quantity,
                "start": None,
            }
        )
        self._save(lines)
        return quantity

    def update(
        self,
        *,
        line_id: str,
        quantity: int | None = None,
        start: dt.datetime | None = None,
    ) -> bool:
        lines = self.lines
        for line in lines:
            if line["id"] == line_id:
                if quantity is not None:
                    line["quantity"] = quantity
                if start is not None:
                    line["start"] = start.isoformat()
                # Giving a slot obeys the per-product cap like a quantity does.
                line["quantity"] = min(
                    line["quantity"], self._room(lines, line["product"], line_id)
                )
                self._save([ln for ln in lines if ln["quantity"] > 0])
                return True
        return False

    def remove(self, *, line_id: str) -> bool:
        lines = self.lines
        kept = [line for line in lines if line["id"] != line_id]
        self._save(kept)
        return len(kept) != len(lines)

    def keep_only(self, product_ids: set[int]) -> int:
        """Drop the lines of products not in `product_ids`; how many went."""
        kept = [ln for ln in self._lines if ln["product"] in product_ids]
        dropped = len(self._lines) - len(kept)
        if dropped:
            self._save(kept)
        return dropped

    def clear(self) -> None:
        self._lines, self._pending = [], None
        self.changed = True

    @property
    def pending_sale_id(self) -> str | None:
        """The sale sent to the payment provider last, not known paid yet."""
        return self._pending

    def await_payment(self, sale: Sale) -> None:
        self._pending = str(sale.public_id)
        self.changed = True

    def settle(self) -> None:
        """Empty the basket once its sale is paid, even if the buyer never
        came back from the provider's page: a query only while a sale is
        remembered as waiting for its payment."""
        if self._pending and is_paid_sale(self._pending):
            self.clear()


@dataclass(frozen=True)
class PricedLine:
    id: str
    offer: Offer
    quantity: int
    booking_start: dt.datetime | None

    @property
    def product(self) -> Product:
        return self.offer.product

    @property
    def is_booking(self) -> bool:
        return self.product.kind == ProductKind.BOOKING

    @property
    def places_left(self) -> int | None:
        """Free places of the chosen slot; None without a slot or a limit."""
        if not self.is_booking or self.booking_start is None:
            return None
        return remaining_places(product=self.product, starts_at=self.booking_start)

    @property
    def total_incl(self) -> Decimal:
        return self.offer.price_incl * self.quantity

    @property
    def public_price_incl(self) -> Decimal:
        return self.product.price_incl

    def as_item(self) -> Item:
        return Item(
            product=self.product,
            quantity=self.quantity,
            unit_price_incl=self.offer.price_incl,
            booking_start=self.booking_start,
        )


@dataclass(frozen=True)
class PricedCart:
    lines: list[PricedLine]
    totals: DocumentTotals | None
    removed: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def total_incl(self) -> Decimal:
        return self.totals.incl if self.totals else ZERO

    @property
    def parks(self) -> list[Park]:
        seen: dict[int, Park] = {}
        for line in self.lines:
            seen.setdefault(line.product.park_id, line.product.park)
        return list(seen.values())

    def problems(self, now: dt.datetime) -> list[str]:
        """What stops this basket from being paid, in the buyer's words."""
        found = []
        if len(self.parks) > 1:
            found.append(
                _(
                    "Votre panier contient des produits de plusieurs parcs : "
                    "commandez-les séparément."
                )
            )
        for line in self.lines:
            if line.is_booking and line.booking_start is None:
                found.append(
                    _("Choisissez une date et un créneau pour « %(name)s ».")
                    % {"name": line.product.name}
                )
            # A booking line reaching here has a start (checked just above).
            elif line.is_booking and cast(dt.datetime, line.booking_start) <= now:
                found.append(
                    _("Le créneau choisi pour « %(name)s » est passé.")
                    % {"name": line.product.name}
                )
        return found

    def items(self) -> list[Item]:
        return [line.as_item() for line in self.lines]


def price_cart(
    cart: Cart, *, organization: Organization, client: Client | None
) -> PricedCart:
    """The basket at the prices this visitor is entitled to now.

    Products no longer offered to it (deactivated, or private to a group it
    left) are dropped from the basket and counted in `removed`.
    """
    offers = {
        o.product.pk: o
        for o in offers_for(
            organization_id=organization.pk,
            client=client,
            product_ids={raw["product"] for raw in cart.lines},
        )
    }
    removed = cart.keep_only(set(offers))
    lines = []
    for raw in cart.lines:
        start = dt.datetime.fromisoformat(raw["start"]) if raw.get("start") else None
        lines.append(
            PricedLine(raw["id"], offers[raw["product"]], raw["quantity"], start)
        )
    totals = (
        compute_totals(
            [
                LineInput(
                    Decimal(line.quantity),
                    line.offer.price_incl,
                    line.product.vat_rate_decimal,
                )
                for line in lines
            ]
        )
        if lines
        else None
    )
    return PricedCart(lines, totals, removed)
