"""The audit trail of an object, told in plain words on its page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model
from django.utils.translation import gettext as _

from comptoir.core.audit import history
from comptoir.core.models import AuditEvent
from comptoir.core.money import format_money as money
from comptoir.einvoicing.selectors import describe_event as describe_einvoicing

from .forms.clients import BackofficeClientForm


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    text: str


def _field_names(fields: list[str]) -> str:
    labels = BackofficeClientForm.Meta.labels
    return ", ".join(str(labels.get(name, name)) for name in fields)


def describe(action: str, data: dict) -> str:
    """One sentence per kind of event."""
    if action == "customers.client.created":
        return _("Fiche créée")
    if action == "customers.client.updated":
        fields = data.get("fields") or []
        if not fields:
            return _("Fiche enregistrée sans changement")
        return _("Fiche modifiée : %(fields)s") % {"fields": _field_names(fields)}
    if action == "customers.client.invited":
        return _("Invitation à l'espace membre envoyée")
    if action == "customers.group.created":
        return _("Groupe créé")
    if action == "customers.group.updated":
        labels = {
            "name": _("Nom du groupe"),
            "private_shop": _("Boutique en ligne privée"),
        }
        fields = [str(labels.get(name, name)) for name in data.get("fields") or []]
        return _("Réglages modifiés : %(fields)s") % {"fields": ", ".join(fields)}
    if action == "customers.group.online_invoices":
        if data.get("enabled"):
            return _("Factures disponibles en ligne : Oui")
        return _("Factures disponibles en ligne : Non")
    if action == "customers.group.member_added":
        return _("Client ajouté au groupe : %(name)s") % {"name": data.get("name", "")}
    if action == "customers.group.member_removed":
        return _("Client retiré du groupe : %(name)s") % {"name": data.get("name", "")}
    if action == "sales.counter_sale.recorded":
        return _("Vente au comptoir %(number)s enregistrée (%(total)s)") % {
            "number": data.get("number", ""),
            "total": money(data.get("total", "")),
        }
    if action == "sales.sale.refunded":
        notes = ", ".join(data.get("credit_notes") or [])
        text = _("Remboursement de %(amount)s") % {
            "amount": money(data.get("amount", ""))
        }
        if notes:
            text += " — " + _("avoir %(numbers)s") % {"numbers": notes}
        return text
    if action == "invoicing.invoice.issued":
        return _("Facture %(number)s émise") % {"number": data.get("number", "")}
    if action == "invoicing.credit_note.issued":
        return _("Avoir %(number)s émis sur la facture %(invoice)s : %(reason)s") % {
            "number": data.get("number", ""),
            "invoice": data.get("invoice", ""),
            "reason": data.get("reason", ""),
        }
    if action.startswith("einvoicing."):
        return describe_einvoicing(action, data)
    if action == "sales.receipt.printed":
        count = data.get("print_count", 1)
        if count > 1:
            return _("Ticket de caisse réimprimé (duplicata no %(count)s)") % {
                "count": count
            }
        return _("Ticket de caisse imprimé")
    if action == "invoicing.document.resent":
        return _("%(number)s renvoyé par email à %(email)s") % {
            "number": data.get("number", ""),
            "email": data.get("to", ""),
        }
    return action


def _actor(event: AuditEvent) -> str:
    if event.actor is None:
        return _("Automatique")
    return event.actor.get_full_name() or event.actor.email


def entries(*objects: Model) -> list[Entry]:
    """Events about any of `objects`, newest first."""
    events: list[AuditEvent] = []
    for obj in objects:
        events.extend(history(obj))
    events.sort(key=lambda e: (e.at, e.pk), reverse=True)
    return [Entry(e.at, _actor(e), describe(e.action, e.data)) for e in events]
