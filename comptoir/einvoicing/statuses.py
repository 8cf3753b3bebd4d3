"""The reform's life-cycle statuses of an invoice (codes of the French
e-invoicing specifications, carried in CDAR messages as ProcessConditionCode).

The mandatory ones are Déposée (200), Rejetée (213), Refusée (210) and
Encaissée (212); PAs report the others too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Status:
    code: str
    label: str | StrPromise
    # Which status is "current" when several arrived, whatever their order:
    # the highest rank (the dates break ties).
    rank: int
    member_label: str | StrPromise
    mandatory: bool = False
    alert: bool = False


DEPOSITED = "200"
RECEIVED = "202"
MADE_AVAILABLE = "203"
TAKEN_OVER = "204"
APPROVED = "205"
DISPUTED = "207"
REFUSED = "210"
PAYMENT_SENT = "211"
CASHED = "212"
REJECTED = "213"

_SENT = _("Transmise")

STATUSES = {
    s.code: s
    for s in [
        Status("200", _("Déposée"), 10, _SENT, mandatory=True),
        Status("201", _("Émise par la plateforme"), 20, _SENT),
        Status("202", _("Reçue par la plateforme"), 30, _SENT),
        Status("203", _("Mise à disposition"), 40, _SENT),
        Status("204", _("Prise en charge"), 50, _("Prise en charge par le client")),
        Status("208", _("Suspendue"), 60, _("Suspendue par le client")),
        Status("209", _("Complétée"), 65, _("Prise en charge par le client")),
        Status("207", _("En litige"), 70, _("En litige")),
        Status("206", _("Approuvée partiellement"), 80, _("Approuvée en partie")),
        Status("205", _("Approuvée"), 80, _("Approuvée par le client")),
        Status("211", _("Paiement transmis"), 90, _("Paiement transmis")),
        Status("212", _("Encaissée"), 100, _("Encaissée"), mandatory=True),
        Status("220", _("Annulée"), 110, _("Annulée")),
        Status(
            "210",
            _("Refusée"),
            120,
            _("Refusée par le client"),
            mandatory=True,
            alert=True,
        ),
        Status(
            "213",
            _("Rejetée"),
            120,
            _("Rejetée par la plateforme"),
            mandatory=True,
            alert=True,
        ),
    ]
}


def status(code: str) -> Status:
    """The status of a code; an unknown code is kept and shown as such."""
    found = STATUSES.get(code)
    if found is not None:
        return found
    return Status(code, _("Statut %(code)s") % {"code": code}, 0, _SENT)
