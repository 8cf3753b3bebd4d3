"""Domain errors of invoicing; they know nothing of HTTP."""

from __future__ import annotations

from comptoir.customers.models import Client
from comptoir.customers.selectors import field_labels


class InvoicingError(Exception):
    """Base: `message` is a sentence for the operator, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IncompleteClientRecord(InvoicingError):
    def __init__(self, *, client: Client, missing: list[str]):
        self.client = client
        self.missing = missing
        super().__init__(
            "Fiche client incomplète, champs manquants : "
            + ", ".join(field_labels(missing))
            + "."
        )


class NotInvoiceable(InvoicingError):
    pass


class AlreadyInvoiced(NotInvoiceable):
    pass


class NothingToCredit(InvoicingError):
    pass
