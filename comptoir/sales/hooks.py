"""Where a sale hands over to the apps above it (`comptoir.core.hooks`).

`invoicing` registers its receivers in its AppConfig.ready(); sales calls
them inside its own transaction, exactly where it needs them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from comptoir.core.hooks import Hook

# sale_paid(sale) -> documents issued: called by `_mark_paid` with the sale
# locked, once it is numbered, paid and its entitlements exist.
sale_paid: Hook[list[Any]] = Hook("sale_paid")

# sale_refunded(sale=, payment=, lines=, quantities=, reason=, actor=) ->
# documents issued: called by `refund_sale` with the sale locked, once the
# negative payment exists and before the lines count the refund.
sale_refunded: Hook[list[Any]] = Hook("sale_refunded")


@dataclass(frozen=True)
class MailedDocument:
    """A document the order confirmation attaches and links to; `pdf` is
    None when it could not be rendered (linked, not attached)."""

    number: str
    total_incl: Decimal
    public_id: uuid.UUID
    filename: str
    pdf: bytes | None


# order_mail_documents(sale) -> [MailedDocument]: the sale's invoices,
# rendered and stored first unless already, for the order confirmation
# (outside any lock). Called for every paid online sale with a client:
# the confirmation's task is the one that renders them.
order_mail_documents: Hook[list[MailedDocument]] = Hook("order_mail_documents")
