"""The e-invoicing state of listed documents, for any front end's template."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from comptoir.invoicing.models import Invoice

from ..selectors import DocumentState, states_by_document
from ..statuses import status

register = template.Library()


@register.simple_tag
def einvoice_states(documents: Iterable[Invoice]) -> dict[int, DocumentState]:
    """`{% einvoice_states invoices as states %}`: one query for the page."""
    return states_by_document(list(documents))


@register.filter
def einvoice_state(
    states: dict[int, DocumentState], document: Invoice
) -> DocumentState | None:
    return states.get(document.pk) if states else None


@register.filter
def einvoice_status_label(code: str) -> str:
    """The life-cycle status of a code in words (« Encaissée »), for staff."""
    return str(status(code).label) if code else ""
