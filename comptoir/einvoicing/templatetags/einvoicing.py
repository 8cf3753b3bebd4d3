"""The e-invoicing state of listed documents, for any front end's template."""

from __future__ import annotations

from django import template

from ..selectors import states_by_document
from ..statuses import status

register = template.Library()


@register.simple_tag
def einvoice_states(documents) -> dict:
    """`{% einvoice_states invoices as states %}`: one query for the page."""
    return states_by_document(list(documents))


@register.filter
def einvoice_state(states: dict, document):
    return states.get(document.pk) if states else None


@register.filter
def einvoice_status_label(code: str) -> str:
    """The life-cycle status of a code in words (« Encaissée »), for staff."""
    return str(status(code).label) if code else ""
