"""Spending gift vouchers: the one place that says whether a voucher pays.

A voucher pays only if its sale was paid, it was not refunded (voided), it
has not expired on the park's business date and its balance covers the
amount. The voucher row is locked while its balance changes, so two tills
cannot spend the same euros, and a refund cannot void it half-spent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import audit
from comptoir.core.clock import format_date

from .models import GiftVoucher, SaleStatus
from .services import SaleError


class VoucherRefused(SaleError):
    """The voucher cannot pay this amount; `message` says why, in French."""


@transaction.atomic
def redeem_voucher(
    *,
    organization_id: int,
    code: str,
    amount: Decimal,
    on: dt.date,
    actor=None,
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
    if voucher.voided_at is not None:
        raise VoucherRefused(
            _("Ce bon cadeau a été remboursé : il n'est plus valable.")
        )
    if voucher.valid_until < on:
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
