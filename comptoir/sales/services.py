"""Writes of sales: baskets, payments, counter sales, refunds."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.expressions import BaseExpression
from django.utils import timezone

from comptoir.catalog.models import ADMISSION_KINDS, Product, ProductKind
from comptoir.catalog.slots import slot_length
from comptoir.core import audit, rows
from comptoir.core.clock import business_date
from comptoir.core.numbering import take_next_number
from comptoir.core.prepared import PreparedQuery, Shape, set_prefetched
from comptoir.core.queueing import enqueue_with_documents
from comptoir.customers.models import Client
from comptoir.customers.selectors import CLIENT_ELIGIBLE, with_client_eligibility
from comptoir.organizations.models import Organization, Park, User, saved_user

from . import hooks
from .entitlements import void_refunded_units
from .exceptions import SaleError
from .mail import confirm_order_task
from .models import (
    Booking,
    Channel,
    CounterReceipt,
    GiftVoucher,
    Payment,
    PaymentMethod,
    Sale,
    SaleLine,
    SaleStatus,
    Ticket,
)
from .places import PlaceRequest, SlotUnavailable, claim_places
from .slots import slot_problem
from .vouchers import redeem_voucher

logger = logging.getLogger(__name__)


class PaymentMismatch(SaleError):
    pass


class SlotFull(SaleError):
    """A booking slot has fewer free places than the basket asks for."""


class SaleNotPayable(PaymentMismatch):
    """An abandoned or superseded basket: only the newest one can be paid."""


REFERENCE_USED = "Cette référence de paiement est déjà utilisée."

# What paying a basket changes on its row.
PAID_FIELDS = ("number", "sale_date", "status", "paid_at")


@dataclass(frozen=True)
class Item:
    """One basket line: a product at the price this buyer is entitled to."""

    product: Product
    quantity: int
    unit_price_incl: Decimal | None = None  # None: the product's public price
    booking_start: dt.datetime | None = None


def create_sale(
    *,
    park: Park,
    client: Client | None,
    channel: str,
    items: Sequence[Item],
    created_by: User | AnonymousUser | None = None,
) -> Sale:
    """A pending basket with its lines; it becomes a sale when paid."""
    if not items:
        raise SaleError("Le panier est vide.")
    with transaction.atomic():
        # Written once its total is known (below): one INSERT, no UPDATE.
        sale = Sale(
            organization_id=park.organization_id,
            park=park,
            client=client,
            channel=channel,
            # An anonymous user has no pk: only a saved user is stored.
            created_by=saved_user(created_by),
        )
        lines = []
        for item in items:
            if item.quantity <= 0:
                raise SaleError("La quantité doit être positive.")
            if item.product.organization_id != park.organization_id:
                raise SaleError("Produit inconnu.")
        try:
            claim_places(
                PlaceRequest(item.product, item.booking_start, item.quantity)
                for item in items
            )
        except SlotUnavailable as exc:
            raise SlotFull(exc.message) from exc
        for item in items:
            price = (
                item.product.price_incl
                if item.unit_price_incl is None
                else item.unit_price_incl
            )
            lines.append(
                SaleLine(
                    sale=sale,
                    product=item.product,
                    description=item.product.name,
                    product_kind=item.product.kind,
                    quantity=item.quantity,
                    unit_price_incl=price,
                    vat_rate=item.product.vat_rate_decimal,
                    total_incl=price * item.quantity,
                    booking_start=item.booking_start,
                    nature=item.product.operation_nature,
                )
            )
        sale.total_incl = sum((ln.total_incl for ln in lines), Decimal("0.00"))
        rows.insert(sale)
        rows.insert_many(lines)
    return sale


def _assign_number(sale: Sale, day: dt.date) -> None:
    """Take the sale's number in its park's series of the sale date `day`:
    the series' row stays locked until commit (docs/locking.md)."""
    number = take_next_number(park_id=sale.park_id, key=f"sale:{day:%y%m%d}")
    sale.number = f"S-{day:%y%m%d}-{number:06d}"


def _create_entitlements(sale: Sale) -> None:
    """Tickets, bookings and gift vouchers the sale paid for."""
    # Runs once the sale is paid: it has its payment time and date.
    assert sale.sale_date is not None and sale.paid_at is not None
    tickets, bookings, vouchers = [], [], []
    for line in sale.lines.all():
        if line.product_kind in ADMISSION_KINDS:
            days = line.product.voucher_validity_days if line.product else 365
            tickets += [
                Ticket(
                    sale_line=line,
                    client=sale.client,
                    valid_until=sale.sale_date + dt.timedelta(days=days),
                )
                for _ in range(line.quantity)
            ]
        elif line.product_kind == ProductKind.BOOKING:
            start = line.booking_start or sale.paid_at
            length = (
                slot_length(line.product) if line.product else dt.timedelta(hours=1)
            )
            bookings.append(
                Booking(
                    sale_line=line,
                    client=sale.client,
                    starts_at=start,
                    ends_at=start + length,
                    participants=line.quantity,
                )
            )
        elif line.product_kind == ProductKind.GIFT_VOUCHER:
            days = line.product.voucher_validity_days if line.product else 365
            vouchers += [
                GiftVoucher(
                    organization_id=sale.organization_id,
                    sale_line=line,
                    client=sale.client,
                    amount=line.unit_price_incl,
                    balance=line.unit_price_incl,
                    valid_until=sale.sale_date + dt.timedelta(days=days),
                )
                for _ in range(line.quantity)
            ]
    # Most sales pay for one kind of entitlement: nothing runs for the others.
    rows.insert_many(tickets)
    rows.insert_many(bookings)
    rows.insert_many(vouchers)


@dataclass(frozen=True)
class PaymentOutcome:
    sale: Sale
    payment: Payment
    created: bool  # False: a retried confirmation, nothing changed
    invoices: list


# An expression read with the locked sale (`lock_for_payment`), built from
# the values given beside it.
ReadWith = Callable[..., BaseExpression]


def _payment_lines(
    *,
    lookups: tuple[str, ...],
    with_organization: bool,
    read_with: tuple[tuple[str, ReadWith], ...],
    **values: object,
) -> QuerySet[SaleLine]:
    """The locked read of `lock_for_payment`; values named `sale.<lookup>`
    and `read.<name>`."""
    related = ["sale__park", "sale__client", "product"]
    if with_organization:
        related.append("sale__organization")
    lines = with_client_eligibility(
        SaleLine.objects.filter(**{f"sale__{k}": values[f"sale.{k}"] for k in lookups})
        .select_for_update(of=("sale",))
        .select_related(*related),
        client_field="sale__client",
    )
    read = {k.removeprefix("read."): v for k, v in values.items() if k[:5] == "read."}
    return lines.annotate(**{name: build(**read) for name, build in read_with})


# Compiled once per kind of lookup: it runs in every paid order.
_PAYMENT_LINES = PreparedQuery[SaleLine](_payment_lines)


def lock_for_payment(
    sale: Mapping[str, object],
    *,
    organization: Organization | None = None,
    read_with: Mapping[str, ReadWith] | None = None,
    read_values: Mapping[str, object] | None = None,
) -> Sale:
    """The one sale the field lookups `sale` name, read as `record_payment`
    needs it, in its transaction and in one statement; `Sale.DoesNotExist`
    when there is none.

    Read through its lines with their products, each joined to the sale row,
    locked (the first lock of the payment, docs/locking.md), to its park and
    client, and to whether that client is eligible for online invoices (the
    invoice rule, `hooks.sale_paid`, reads it from the sale); each of
    `read_with`'s functions, called with `read_values`, gives an expression
    (about anything but the row) read in the same statement and set on the
    sale under its name. `organization`: the sale's, at hand; read with it
    otherwise. The statement is compiled once per kind of lookup
    (`core.prepared`): lookups' values and `read_values` must be plain
    values (ids, text, UUIDs, datetimes).
    """
    read_with = dict(read_with or {})
    read_values = dict(read_values or {}) if read_with else {}
    lines = _PAYMENT_LINES.fetch(
        lookups=Shape(tuple(sorted(sale))),
        with_organization=organization is None,
        read_with=Shape(tuple(sorted(read_with.items()))),
        **{f"sale.{k}": v for k, v in sale.items()},
        **{f"read.{k}": v for k, v in read_values.items()},
    )
    if not lines:
        # `create_sale` refuses an empty basket: a sale without lines is not
        # one to pay, unless written behind its back; read it alone then.
        found = (
            with_client_eligibility(
                Sale.objects.filter(**sale)
                .select_for_update(of=("self",))
                .select_related("park", "client", "organization")
            )
            .annotate(
                **{name: build(**read_values) for name, build in read_with.items()}
            )
            .get()
        )
        set_prefetched(found, "lines", [])
        return found
    found = lines[0].sale
    if any(line.sale_id != found.pk for line in lines):
        raise Sale.MultipleObjectsReturned("The lookups name several sales.")
    for line in lines:
        line.sale = found
    for name in (CLIENT_ELIGIBLE, *read_with):
        setattr(found, name, getattr(lines[0], name))
    if organization is not None:
        found.organization = organization
    set_prefetched(found, "lines", lines)
    return found


def record_payment(
    *,
    sale: Sale,
    provider: str,
    reference: str,
    amount: Decimal,
    method: str,
    received_at: dt.datetime | None = None,
    recorded_by: User | AnonymousUser | None = None,
    savepoint: bool = True,
    locked: bool = False,
) -> PaymentOutcome:
    """Record that a basket was paid, once, and apply the invoice rule.

    Retrying with the same (provider, reference) changes nothing; a
    reference another sale already has is refused (`PaymentMismatch`), and
    nothing is written. For an online sale of an eligible client the invoice
    is issued in this same transaction, inside a savepoint: if that fails,
    the payment still commits, with an alert.

    `savepoint=False`: the caller's transaction is the payment's (it rolls
    back as a whole if this raises), no savepoint of its own.
    `locked=True`: the caller read `sale` through `lock_for_payment()` in
    that transaction; it is not read again.
    """
    with transaction.atomic(savepoint=savepoint):
        if not locked:
            sale = lock_for_payment({"pk": sale.pk})
        if sale.status != SaleStatus.PENDING:
            # A pending sale has no payment (only paying it writes one): a
            # retry finds its payment on a sale paid already.
            existing = Payment.objects.filter(
                provider=provider, reference=reference
            ).first()
            if existing is not None:
                if existing.sale_id != sale.pk:
                    raise PaymentMismatch(REFERENCE_USED)
                return PaymentOutcome(sale, existing, False, [])
        if sale.status == SaleStatus.PAID:
            raise PaymentMismatch("Cette vente est déjà payée.")
        if sale.status == SaleStatus.ABANDONED:
            raise SaleNotPayable("Ce panier a été abandonné ou remplacé.")
        if Decimal(amount) != sale.total_incl:
            raise PaymentMismatch(
                f"Montant reçu {amount} différent du montant de la vente "
                f"{sale.total_incl}."
            )
        try:
            # Counted again without this basket: its hold may have expired.
            claim_places(
                (
                    PlaceRequest(line.product, line.booking_start, line.quantity)
                    for line in sale.lines.all()
                    if line.product is not None
                ),
                exclude_sale_id=sale.pk,
            )
        except SlotUnavailable as exc:
            raise PaymentMismatch(exc.message) from exc
        received_at = received_at or timezone.now()
        try:
            payment = Payment(
                sale=sale,
                provider=provider,
                reference=reference,
                method=method,
                amount=amount,
                received_at=received_at,
                # An anonymous user has no pk: only a saved user is stored.
                recorded_by=saved_user(recorded_by),
            )
            rows.insert(payment)
        except IntegrityError as exc:
            # (provider, reference) is unique: another sale has this
            # reference (this one is pending, so it has none). No savepoint:
            # the transaction is left with the error and rolls back whole.
            raise PaymentMismatch(REFERENCE_USED) from exc
        # A pending sale has no payment: this one is all the invoice lists,
        # not read back.
        set_prefetched(sale, "payments", [payment])
        invoices = _mark_paid(sale, received_at)
        # Later payments (refunds) must show: the caller reads them afresh.
        sale.__dict__["_prefetched_objects_cache"].pop("payments")
    return PaymentOutcome(sale, payment, True, invoices)


def _mark_paid(sale: Sale, received_at: dt.datetime) -> list:
    """Mark a locked basket paid, create what it paid for, number it, and
    apply the invoice rule (`hooks.sale_paid`); tell the customer once
    committed.

    The number comes last but one: every payment of the park's day takes
    the same series row, locked until commit, so the entitlements and the
    confirmation's task are written before it and only what needs the
    number (the sale's row, its invoice) after it (docs/locking.md).
    """
    sale.status = SaleStatus.PAID
    sale.paid_at = received_at
    sale.sale_date = day = business_date(received_at, sale.park.time_zone)
    _create_entitlements(sale)
    if sale.channel == Channel.ONLINE and sale.client_id:
        enqueue_with_documents(confirm_order_task, sale_id=sale.pk)
    _assign_number(sale, day)
    rows.update(sale, PAID_FIELDS)
    return [doc for docs in hooks.sale_paid.call(sale) for doc in docs]


def abandon_sale(*, sale: Sale) -> bool:
    """A basket whose payment was refused or abandoned; paid sales stay paid."""
    return bool(
        Sale.objects.filter(pk=sale.pk, status=SaleStatus.PENDING).update(
            status=SaleStatus.ABANDONED
        )
    )


def counter_reference(*, organization_id: int, reference: str) -> str:
    """A till submission's reference, scoped to its organization."""
    return f"{organization_id}:{reference}"[:100]


@dataclass(frozen=True)
class Tender:
    """Part of a counter sale paid by card, cheque or gift voucher."""

    method: str
    amount: Decimal
    voucher_code: str = ""


@dataclass(frozen=True)
class Settlement:
    """How a counter sale is paid: the payments to record and the change."""

    payments: list[Tender]
    cash_received: Decimal | None
    change_due: Decimal


def _euros(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",") + "\u00a0€"


def settle_counter_payment(
    *, total: Decimal, tenders: Sequence[Tender], cash_received: Decimal | None
) -> Settlement:
    """Check that card, cheque, vouchers and cash add up to the total.

    Cash pays what the other means leave; more cash than that is change to
    give back. Refused with a French message when the sum is off.
    """
    known = {m.value for m in PaymentMethod} - {PaymentMethod.ONLINE_CARD}
    payments: list[Tender] = []
    for tender in tenders:
        if tender.method not in known or tender.method == PaymentMethod.CASH:
            raise SaleError("Moyen de paiement inconnu.")
        if tender.amount <= 0:
            raise SaleError("Chaque montant payé doit être positif.")
        if tender.method == PaymentMethod.GIFT_VOUCHER and not tender.voucher_code:
            raise SaleError("Saisissez le code du bon cadeau.")
        payments.append(tender)
    if cash_received is not None and cash_received < 0:
        raise SaleError("Le montant reçu en espèces ne peut pas être négatif.")
    others = sum((t.amount for t in payments), Decimal("0.00"))
    if others > total:
        raise SaleError(
            f"Les paiements par carte, chèque et bon cadeau ({_euros(others)}) "
            f"dépassent le total de la vente ({_euros(total)})."
        )
    cash_due = total - others
    if cash_due > 0:
        if not cash_received:
            raise SaleError(
                f"Les paiements ({_euros(others)}) ne couvrent pas le total "
                f"({_euros(total)}) : il manque {_euros(cash_due)}."
            )
        if cash_received < cash_due:
            raise SaleError(
                f"Espèces reçues insuffisantes : {_euros(cash_received)} reçus "
                f"pour {_euros(cash_due)} à payer en espèces."
            )
        payments.append(Tender(PaymentMethod.CASH, cash_due))
    elif cash_received:
        raise SaleError(
            "Le total est déjà couvert par les autres moyens de paiement : "
            "aucune espèce à encaisser."
        )
    if not payments:
        # A basket of free items: one payment of nothing, for the record.
        payments.append(Tender(PaymentMethod.CASH, Decimal("0.00")))
    change = (cash_received - cash_due) if cash_due > 0 and cash_received else None
    return Settlement(
        payments=payments,
        cash_received=cash_received if cash_due > 0 else None,
        change_due=change or Decimal("0.00"),
    )


def _spend_voucher(
    *, organization_id: int, code: str, amount: Decimal, day: dt.date
) -> GiftVoucher:
    """Take `amount` off a gift voucher's balance, under a row lock, by the
    one voucher rule (`sales.vouchers`): refunded, spent or expired refused."""
    return redeem_voucher(
        organization_id=organization_id, code=code, amount=amount, on=day
    )


def record_counter_sale(
    *,
    park: Park,
    client: Client | None,
    items: Sequence[Item],
    cashier: User | AnonymousUser | None,
    method: str | None = None,
    tenders: Sequence[Tender] = (),
    cash_received: Decimal | None = None,
    reference: str | None = None,
) -> Sale:
    """A sale paid at the counter, by one `method` for the whole amount or
    by `tenders` plus cash. `reference` makes a retried submit a no-op.

    The reference is the organization's own: another organization's till
    sending the same one records its own sale, and never sees this one.
    """
    if method is not None and method not in {m.value for m in PaymentMethod}:
        raise SaleError("Moyen de paiement inconnu.")
    reference = counter_reference(
        organization_id=park.organization_id, reference=reference or uuid.uuid4().hex
    )
    existing = Payment.objects.filter(
        provider="counter",
        reference=reference,
        sale__organization_id=park.organization_id,
    ).first()
    if existing is not None:
        return existing.sale
    for item in items:
        if item.product.kind != ProductKind.BOOKING:
            continue
        if item.booking_start is None:
            raise SaleError(
                f"Choisissez une date et un créneau pour « {item.product.name} »."
            )
        problem = slot_problem(item.product, item.booking_start, park.time_zone)
        if problem:
            raise SaleError(f"« {item.product.name} » : {problem}")
    try:
        with transaction.atomic():
            sale = create_sale(
                park=park,
                client=client,
                channel=Channel.COUNTER,
                items=items,
                created_by=cashier,
            )
            sale = (
                Sale.objects.select_for_update(of=("self",))
                .select_related("park", "client", "organization")
                .get(pk=sale.pk)
            )
            if method == PaymentMethod.CASH and not tenders:
                if cash_received is None:
                    cash_received = sale.total_incl
            elif method is not None and not tenders:
                tenders = [Tender(method, sale.total_incl)]
            settlement = settle_counter_payment(
                total=sale.total_incl, tenders=tenders, cash_received=cash_received
            )
            received_at = timezone.now()
            day = business_date(received_at, park.time_zone)
            # An anonymous user has no pk: only a saved user is stored.
            recorded_by = saved_user(cashier)
            spent = []
            for index, tender in enumerate(settlement.payments):
                voucher = None
                if tender.method == PaymentMethod.GIFT_VOUCHER:
                    voucher = _spend_voucher(
                        organization_id=park.organization_id,
                        code=tender.voucher_code,
                        amount=tender.amount,
                        day=day,
                    )
                    spent.append({"code": voucher.code, "amount": str(tender.amount)})
                Payment.objects.create(
                    sale=sale,
                    provider="counter",
                    # The first payment carries the form's reference: it is
                    # what a retried submit finds.
                    reference=reference if index == 0 else f"{reference}-{index}",
                    method=tender.method,
                    amount=tender.amount,
                    received_at=received_at,
                    recorded_by=recorded_by,
                    gift_voucher=voucher,
                )
            # Before the number: the park's sale series stays locked only
            # for what names it (docs/locking.md, rule 3).
            CounterReceipt.objects.create(
                sale=sale,
                cash_received=settlement.cash_received,
                change_due=settlement.change_due,
            )
            _mark_paid(sale, received_at)
            audit.record(
                sale,
                "sales.counter_sale.recorded",
                actor=cashier,
                data={
                    "number": sale.number,
                    "total": str(sale.total_incl),
                    "payments": [
                        {"method": t.method, "amount": str(t.amount)}
                        for t in settlement.payments
                    ],
                    "vouchers": spent,
                    "change": str(settlement.change_due),
                },
            )
    except IntegrityError:
        # A double submit raced past the check above and lost: its basket
        # was rolled back; the winner's sale is the one.
        existing = Payment.objects.filter(
            provider="counter", reference=reference
        ).first()
        if existing is None:
            raise
        return existing.sale
    return sale


def refund_sale(
    *,
    sale: Sale,
    quantities: dict[int, int] | None,
    method: str,
    actor: User | AnonymousUser | None,
    reason: str,
    reference: str | None = None,
) -> list:
    """Give money back for all (`None`) or some lines; credit the invoices.

    Returns the credit notes issued (none when the sale had no invoice).
    """
    reference = reference or uuid.uuid4().hex
    with transaction.atomic():
        sale = (
            Sale.objects.select_for_update(of=("self",))
            .select_related("park", "organization")
            .get(pk=sale.pk)
        )
        if Payment.objects.filter(provider="refund", reference=reference).exists():
            return []
        if sale.status != SaleStatus.PAID:
            raise SaleError("Seule une vente payée peut être remboursée.")
        lines = {line.pk: line for line in sale.lines.all()}
        if quantities is None:
            quantities = {pk: line.net_quantity for pk, line in lines.items()}
        quantities = {pk: q for pk, q in quantities.items() if q > 0}
        if not quantities:
            raise SaleError("Rien à rembourser.")
        amount = Decimal("0.00")
        for pk, qty in quantities.items():
            line = lines.get(pk)
            if line is None or qty > line.net_quantity:
                raise SaleError("La quantité remboursée dépasse la quantité vendue.")
            amount += line.unit_price_incl * qty
        payment = Payment.objects.create(
            sale=sale,
            provider="refund",
            reference=reference,
            method=method,
            amount=-amount,
            received_at=timezone.now(),
            # An anonymous user has no pk: only a saved user is stored.
            recorded_by=saved_user(actor),
        )
        # The invoices' credit notes (`hooks.sale_refunded`).
        notes = [
            note
            for issued in hooks.sale_refunded.call(
                sale=sale,
                payment=payment,
                lines=lines,
                quantities=quantities,
                reason=reason,
                actor=actor,
            )
            for note in issued
        ]
        for pk, qty in quantities.items():
            line = lines[pk]
            line.refunded_quantity += qty
            line.save(update_fields=["refunded_quantity"])
            void_refunded_units(line=line, quantity=qty, at=payment.received_at)
        audit.record(
            sale,
            "sales.sale.refunded",
            actor=actor,
            data={"amount": str(amount), "credit_notes": [n.number for n in notes]},
        )
    return notes
