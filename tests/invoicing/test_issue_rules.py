"""Rules of issuing that a one-line slip would break, each pinned by a test.

(Issue 9, section 4: mutations that no test caught before.)
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from comptoir.alerts.models import Alert, AlertStatus
from comptoir.core.clock import business_date
from comptoir.core.models import AuditEvent, Counter
from comptoir.core.numbering import counter_rows
from comptoir.invoicing.integrity import check_series
from comptoir.invoicing.models import ImmutableDocument, Invoice
from comptoir.invoicing.rendering.facturx import build_cii_xml
from comptoir.invoicing.services import issue_invoices
from comptoir.invoicing.services.documents import pdf_bytes, render_and_store
from comptoir.sales.models import Channel, SaleStatus
from comptoir.sales.services import SaleError, create_sale, record_payment, refund_sale
from tests import factories

pytestmark = pytest.mark.django_db

RAM = (
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
)
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": RAM,
}


def _invoice(park, client, products, *items) -> Invoice:
    sale = factories.paid_online_sale(park, client, factories.basket(products, *items))
    return Invoice.objects.get(sale=sale)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(
        " ".join(page.extract_text().replace("\u00a0", " ").split())
        for page in reader.pages
    )


# A sale's payment is split between its documents.


def test_each_document_of_a_split_sale_carries_its_own_share_of_the_payment(
    park, member, products
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("voucher", 1))
    )
    documents = list(Invoice.objects.filter(sale=sale).order_by("scope"))
    assert len(documents) == 2
    for document in documents:
        paid = sum(Decimal(p["amount"]) for p in document.snapshot["payments"])
        assert paid == document.total_incl
        assert document.snapshot["totals"]["due"] == "0.00"
    assert sum(d.total_incl for d in documents) == sale.total_incl


# Dates are the park's, not UTC's.


def test_paris_date_at_half_past_eleven_utc_is_the_next_day():
    moment = dt.datetime(2024, 3, 5, 23, 30, tzinfo=dt.UTC)
    assert business_date(moment, "Europe/Paris") == dt.date(2024, 3, 6)


def test_an_invoice_carries_the_parks_calendar_date_not_utcs(
    organization, group, products
):
    # A real zone whose date differs from UTC's right now (no clock faking):
    # UTC+14 from 10:00 UTC, UTC-12 before 12:00 UTC.
    zone = "Pacific/Kiritimati" if timezone.now().hour >= 11 else "Etc/GMT+12"
    park = factories.park(organization, time_zone=zone)
    member = factories.client(park, groups=[group], with_account=True)
    invoice = _invoice(park, member, factories.products(park), ("ticket", 1))
    assert invoice.issued_at.astimezone(dt.UTC).date() != invoice.issue_date
    assert invoice.issue_date == business_date(invoice.issued_at, zone)
    assert f"-{invoice.issue_date:%Y%m%d}-" in invoice.number
    assert invoice.snapshot["document"]["issue_date"] == invoice.issue_date.isoformat()


# An issued document never changes, update_fields or not.


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total_incl", Decimal("1.00")),
        ("buyer_name", "X"),
        ("snapshot", {}),
        ("hash", "0" * 64),
    ],
)
def test_save_with_update_fields_on_an_issued_invoice_raises(
    park, member, products, field, value
):
    invoice = _invoice(park, member, products, ("ticket", 1))
    setattr(invoice, field, value)
    with pytest.raises(ImmutableDocument):
        invoice.save(update_fields=[field])
    assert getattr(Invoice.objects.get(pk=invoice.pk), field) != value


def test_a_rendered_file_cannot_be_replaced_through_save(park, member, products):
    invoice = _invoice(park, member, products, ("ticket", 1))
    invoice = render_and_store(invoice_id=invoice.pk)
    invoice.pdf_sha256 = "f" * 64
    with pytest.raises(ImmutableDocument):
        invoice.save(update_fields=["pdf_sha256"])


# The PDF and the XML come from the snapshot.


def test_the_pdf_is_rendered_from_the_snapshot_not_the_live_client(
    park, member, products
):
    invoice = _invoice(park, member, products, ("ticket", 1))
    member.company_name = "NOUVEAU NOM SARL"
    member.address = "99 avenue Changée"
    member.save()
    text = _pdf_text(pdf_bytes(invoice))
    assert "BAYCORP INC" in text
    assert "281 BIS Bd Raspail" in text
    assert "NOUVEAU NOM" not in text
    assert "Changée" not in text


def test_the_buyers_postcode_and_city_are_in_the_xml(make_snapshot):
    snapshot = make_snapshot([("Entrée 1h", "1", "30.00", "20.00")])
    root = etree.fromstring(build_cii_xml(snapshot))
    address = root.find(".//ram:BuyerTradeParty/ram:PostalTradeAddress", NS)
    assert address.findtext("ram:PostcodeCode", namespaces=NS) == "89530"
    assert address.findtext("ram:CityName", namespaces=NS) == "MOUTIERS EN PUISAYE"
    assert address.findtext("ram:LineOne", namespaces=NS) == "281 BIS Bd Raspail"


# The chain: each seal covers the previous one.


def test_a_bridged_gap_breaks_the_next_documents_seal(park, member, products):
    for _ in range(3):
        factories.paid_online_sale(
            park, member, factories.basket(products, ("ticket", 1))
        )
    first, middle, last = Invoice.objects.order_by("sequence")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM invoicing_invoicetaxline WHERE invoice_id = %s", [middle.pk]
        )
        cursor.execute("DELETE FROM invoicing_invoice WHERE id = %s", [middle.pk])
        # Bridge the gap: the last document now names the first as previous.
        cursor.execute(
            "UPDATE invoicing_invoice SET previous_hash = %s WHERE id = %s",
            [first.hash, last.pk],
        )
    problems = {
        b.problem
        for b in check_series(Invoice.objects.filter(park=park, kind="invoice"))
        if b.number == last.number
    }
    assert "contenu modifié après émission" in problems


# Invoice mails go only to members whose group has online invoices on.


def _counter_sale(park, client, products):
    sale = create_sale(
        park=park,
        client=client,
        channel=Channel.COUNTER,
        items=factories.basket(products, ("ticket", 1)),
    )
    record_payment(
        sale=sale,
        provider="counter",
        reference=f"till-{sale.pk}",
        amount=sale.total_incl,
        method="cash",
    )
    return sale


def test_no_invoice_mail_to_a_member_whose_group_has_online_invoices_off(
    organization, park, products, manager, django_capture_on_commit_callbacks
):
    closed = factories.group(organization, online_invoices=False)
    client = factories.client(park, groups=[closed], with_account=True)
    sale = _counter_sale(park, client, products)
    with django_capture_on_commit_callbacks(execute=True):
        issue_invoices(sale=sale, issued_by=manager)
    assert Invoice.objects.filter(sale=sale).exists()
    assert mail.outbox == []


def test_an_invoice_mail_goes_to_a_member_whose_group_has_them_on(
    park, member, products, manager, django_capture_on_commit_callbacks
):
    sale = _counter_sale(park, member, products)
    with django_capture_on_commit_callbacks(execute=True):
        issue_invoices(sale=sale, issued_by=manager)
    assert [m.to for m in mail.outbox] == [[member.email]]


# A refund never exceeds what was sold, whoever calls the service.


def test_the_service_refuses_to_refund_more_than_was_sold(
    park, member, products, manager
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2))
    )
    line = sale.lines.get()
    with pytest.raises(SaleError, match="dépasse la quantité vendue"):
        refund_sale(
            sale=sale, quantities={line.pk: 3}, method="card", actor=manager, reason="x"
        )
    refund_sale(
        sale=sale, quantities={line.pk: 1}, method="card", actor=manager, reason="x"
    )
    with pytest.raises(SaleError, match="dépasse la quantité vendue"):
        refund_sale(
            sale=sale, quantities={line.pk: 2}, method="card", actor=manager, reason="x"
        )
    assert sum(p.amount for p in sale.payments.all()) == Decimal("30.00")


# The automatic invoice fails whole, inside its savepoint, on any database.


def _drop_trigger() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "DROP TRIGGER IF EXISTS refuse_tax_line ON invoicing_invoicetaxline"
            )
            cursor.execute("DROP FUNCTION IF EXISTS refuse_tax_line()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS refuse_tax_line")


def _refuse_tax_lines() -> None:
    """Make the database refuse tax lines: the failure comes after the
    invoice row itself was inserted and its number taken."""
    table = "invoicing_invoicetaxline"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_tax_line() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_tax_line BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_tax_line()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_tax_line BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )


@pytest.fixture
def failing_tax_lines():
    """`_refuse_tax_lines`; yields a function that lifts the failure."""
    _refuse_tax_lines()
    yield _drop_trigger
    _drop_trigger()


def test_a_failure_after_the_invoice_row_leaves_no_document_and_no_gap(
    park, member, products, failing_tax_lines
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID
    assert not Invoice.objects.filter(sale=sale).exists()
    counter = Counter.objects.filter(park=park, key="doc:invoice").first()
    assert counter is None or counter.last_value == 0
    alert = Alert.objects.get(sale=sale)
    assert alert.status == AlertStatus.OPEN
    assert "injected failure" in alert.message


def test_a_failure_in_the_invoice_rows_of_a_running_series_loses_nothing(
    park, member, products, failing_tax_lines
):
    """From the second document of a series on, PostgreSQL writes the
    invoice, its tax lines, the chain's end and the audit event in one
    statement: its failure still leaves the sale paid, no document, the
    series and its chain as they were, and an alert."""
    failing_tax_lines()
    first = _invoice(park, member, products, ("ticket", 1))
    before = Counter.objects.get(park=park, key="doc:invoice")
    events = AuditEvent.objects.filter(action="invoicing.invoice.issued").count()
    _refuse_tax_lines()

    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )

    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID
    assert not Invoice.objects.filter(sale=sale).exists()
    counter = Counter.objects.get(park=park, key="doc:invoice")
    assert (counter.last_value, counter.last_hash, counter.seal) == (
        before.last_value,
        first.hash,
        before.seal,
    )
    assert (
        AuditEvent.objects.filter(action="invoicing.invoice.issued").count() == events
    )
    assert "injected failure" in Alert.objects.get(sale=sale).message


def test_after_a_failed_attempt_the_next_invoice_takes_number_one(
    park, member, products, failing_tax_lines
):
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 1)))
    failing_tax_lines()
    invoice = _invoice(park, member, products, ("ticket", 1))
    assert invoice.sequence == 1
    assert invoice.number.endswith("-000001")


# Numbers are taken under the counter's row lock, whatever the database.


def test_the_counter_is_read_for_update(park):
    rows = counter_rows(park_id=park.pk, key="doc:invoice")
    assert rows.query.select_for_update
    assert not rows.query.select_for_update_skip_locked
    assert not rows.query.select_for_update_nowait
