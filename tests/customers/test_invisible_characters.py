"""A record made of invisible or non-characters is empty, and refused.

The rule lives once, in comptoir/customers/text.py; the completeness check,
the record form and the invoice snapshot all use it.
"""

from __future__ import annotations

import pytest

from comptoir.customers.forms import ClientRecordForm
from comptoir.customers.selectors import missing_invoice_fields
from comptoir.customers.text import (
    has_forbidden_chars,
    is_blank,
    is_forbidden,
    strip_forbidden,
)
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.documents import pdf_bytes
from tests import factories

pytestmark = pytest.mark.django_db

INVISIBLE = {
    "non-character U+FFFF": "\uffff",
    "zero-width space": "\u200b\u200b",
    "zero-width joiner and BOM": "\u200d\ufeff",
    "right-to-left override": "\u202e",
    "private use": "\ue000",
}
BLANK = {
    **INVISIBLE,
    "spaces": "   ",
    "no-break and ideographic spaces": "\u00a0\u3000",
    "tab and newline": "\t\n",
}


@pytest.mark.parametrize("value", BLANK.values(), ids=BLANK.keys())
def test_invisible_text_counts_as_blank(value):
    assert is_blank(value)
    assert not is_blank(value + "A")


@pytest.mark.parametrize("value", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_characters_are_forbidden(value):
    assert has_forbidden_chars(f"BAY{value}CORP")
    assert strip_forbidden(f"BAY{value}CORP") == "BAYCORP"


def test_every_character_is_kept_or_stripped_by_its_category_alone():
    # Whatever shortcut the checks take for ordinary text, each character of
    # the first planes (controls, separators, accents, emoji, private use,
    # unassigned, the non-characters) is judged by its Unicode category.
    for code in [*range(0x3000), *range(0xD7F0, 0x10000), *range(0x1F300, 0x1F700)]:
        char = chr(code)
        for text in (char, f"Bay {char} Corp"):
            kept = "" if is_forbidden(char) else char
            assert strip_forbidden(text) == text.replace(char, kept), hex(code)
            assert has_forbidden_chars(text) is is_forbidden(char), hex(code)


def test_ordinary_text_is_allowed():
    for value in ["Société Générale", "L'Œuf & Cie", "12 rue\nBât. B", "Zoë 🙂"]:
        assert not has_forbidden_chars(value)
        assert not is_blank(value)


@pytest.mark.parametrize("value", BLANK.values(), ids=BLANK.keys())
def test_a_field_of_invisible_characters_is_missing_for_invoicing(park, value):
    client = factories.client(park, company_name=value, city=value)
    assert missing_invoice_fields(client, park) == ["company_name", "city"]


def test_a_field_of_spaces_is_missing_for_invoicing(park):
    client = factories.client(park, address="    ")
    assert missing_invoice_fields(client, park) == ["address"]


@pytest.mark.parametrize("value", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_the_record_form_refuses_invisible_characters_in_french(park, value):
    client = factories.client(park)
    data = {
        "first_name": "Eric",
        "last_name": "BAY",
        "email": client.email,
        "country": "FR",
        "company_name": value,
        "address": f"1 rue{value}",
        "postcode": "89530",
        "city": "SENS",
    }
    form = ClientRecordForm(data, instance=client)
    assert not form.is_valid()
    assert "caractères non autorisés" in form.errors["company_name"][0]
    assert "address" in form.errors


def test_an_old_record_with_a_non_character_still_renders_its_invoice(
    park, group, products
):
    """A record saved before the rule: the snapshot drops the invisible part."""
    member = factories.client(
        park, groups=[group], with_account=True, address_complement="Bât.\uffff B"
    )
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    invoice = Invoice.objects.get(sale=sale)
    assert invoice.snapshot["buyer"]["address_complement"] == "Bât. B"
    assert pdf_bytes(invoice).startswith(b"%PDF")


def test_an_invisible_company_name_raises_an_alert_not_a_broken_invoice(
    park, group, products
):
    member = factories.client(
        park, groups=[group], with_account=True, company_name="\uffff\u200b"
    )
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    assert not Invoice.objects.filter(sale=sale).exists()
    assert sale.alerts.get().missing_fields == ["company_name"]
