"""Spending gift vouchers: the one place that says whether a voucher pays.

A voucher pays only if its sale was paid, it was not refunded (voided), it
has not expired on the park's business date and its balance covers the
amount. The voucher row is locked while its balance changes, so two tills
cannot spend the same euros, and a refund cannot void it half-spent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core import audit
from comptoir.core.clock import format_date
from comptoir.organizations.models import User

from .exceptions import SaleError
from .models import GiftVoucher, SaleStatus


class VoucherRefused(SaleError):
    """The voucher cannot pay this amount; `message` says why, in French."""


class VoucherState(models.TextChoices):
    USABLE = "usable", gettext_lazy("Valable")
    VOIDED = "voided", gettext_lazy("Remboursé — non valable")
    USED = "used", gettext_lazy("Utilisé")
    EXPIRED = "expired", gettext_lazy("Expiré")


def voucher_state(voucher: GiftVoucher, *, on: dt.date) -> VoucherState:
    """Whether a (paid) voucher is usable on the business date `on`, and if
    not why: refunded first, then spent, then expired. The one rule, with
    `usable_vouchers_q` its queryset form."""
    if voucher.voided_at is not None:
        return VoucherState.VOIDED
    if voucher.balance <= 0:
        return VoucherState.USED
    if voucher.valid_until < on:
        return VoucherState.EXPIRED
    return VoucherState.USABLE


def usable_vouchers_q(*, on: dt.date) -> Q:
    """Vouchers whose `voucher_state(on=on)` is USABLE, for a queryset."""
    return Q(voided_at__isnull=True, balance__gt=0, valid_until__gte=on)


@transaction.atomic
def redeem_voucher(
    *,
    organization_id: int,
    code: str,
    amount: Decimal,
    on: dt.date,
    actor: User | AnonymousUser | None = None,
) -> GiftVoucher:
    """Take `amount` from the voucher's balance, or refuse with the reason."""
    amount = Decimal(amount)
    if amount <= 0:
        raise VoucherRefused(_("Le montant à régler par bon cadeau doit être positif."))
    voucher = (
        GiftVoucher.objects.select_for_update()
        .filter(
            organization_id=organization_id,
            code=code.strip().upper(),
            sale_line__sale__status=SaleStatus.PAID,
        )
        .first()
    )
    if voucher is None:
        raise VoucherRefused(_("Bon cadeau inconnu."))
    state = voucher_state(voucher, on=on)
    if state == VoucherState.VOIDED:
        raise VoucherRefused(
            _("Ce bon cadeau a été remboursé : il n'est plus valable.")
        )
    if state == VoucherState.EXPIRED:
        raise VoucherRefused(
            _("Ce bon cadeau a expiré le %(day)s.")
            % {"day": format_date(voucher.valid_until)}
        )
    if voucher.balance < amount:
        raise VoucherRefused(
            _("Solde du bon cadeau insuffisant : %(balance)s € restants.")
            % {"balance": f"{voucher.balance:.2f}".replace(".", ",")}
        )
    voucher.balance -= amount
    voucher.save(update_fields=["balance"])
    audit.record(
        voucher,
        "sales.voucher.redeemed",
        actor=actor,
        data={"amount": f"{amount:.2f}", "balance": f"{voucher.balance:.2f}"},
    )
    return voucher
