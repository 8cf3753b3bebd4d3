"""Every form, fed random and hostile input, answers with French messages,
never a server error, and stores nothing half-done.

Each test posts hypothesis-made data to one form: valid data with some
fields replaced by hostile values (unicode, very long text, NUL bytes,
HTML/JS, SQL, spreadsheet formulas, huge or negative numbers). Then:

- the answer is never a 5xx;
- a refused input says why, in French, and leaves every business row as
  it was (compared row by row);
- an accepted input is stored whole: what is stored validates again, no
  sale without lines, no refund beyond what was sold, and the pages that
  show it escape it.

Run deeper on demand: COMPTOIR_FUZZ_EXAMPLES=500 pytest tests/security.
The `signed` world is built once per test; each example runs in a
savepoint rolled back at its end, so examples never see each other's
writes (which is why sharing the function-scoped fixture is sound).
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.db.models import Sum
from django.forms.models import model_to_dict
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.backoffice.forms.clients import (
    ADDRESS_FIELDS,
    IDENTITY_FIELDS,
    BackofficeClientForm,
)
from comptoir.backoffice.forms.parks import ParkForm
from comptoir.customers.forms import COMPANY_FIELDS, CONTACT_FIELDS, ClientRecordForm
from comptoir.customers.models import Client, CustomerGroup
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.rendering import render_document
from comptoir.sales.models import Payment, Sale, SaleLine
from tests import factories
from tests.factories import PASSWORD
from tests.shop.fixtures import cart_lines

from .parks import FIELDS as PARK_FIELDS
from .parks import park_data
from .state import fingerprint

pytestmark = pytest.mark.django_db

# COMPTOIR_FUZZ_EXAMPLES=500 for a deeper run on demand; CI keeps it quick.
FUZZ = settings(
    max_examples=int(os.environ.get("COMPTOIR_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1",
    "1; DROP TABLE customers_client; --",
    '=HYPERLINK("http://evil.example","x")',
    "+33 6 00 00 00 00",
    "@SUM(A1)",
    "-1",
    "-999999999999",
    "0",
    "9" * 400,
    "1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "１２３",
    "²",
    "٣",
    "\u202egnp.exe",
    "\ufeff",
    "\r\nSet-Cookie: pirate=1",
    "../../etc/passwd",
    "{{ 7|add:7 }}",
    "%(name)s %s",
    "A" * 5000,
    "é" * 300,
    "😀" * 60,
    "FR61852345677",
    "852345677",
    "85234567700011",
]
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=120),
    st.integers(-(10**20), 10**20).map(str),
)
# Words of Django's English messages: none may reach a French screen.
ENGLISH = re.compile(
    r"\b(this field|enter a|ensure this|select a valid|is required|"
    r"invalid|must be|characters|not allowed)\b",
    re.I,
)
XSS = ("<script>alert(1)", "<img src=x onerror")


def overrides(fields):
    """Some of `fields`, each with a hostile value."""
    return st.fixed_dictionaries({}, optional={name: hostile for name in fields})


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def feedback(response) -> list[str]:
    """The messages and form errors the visitor reads."""
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    context = response.context
    if context is not None:
        for key in ("form", "company_form", "refund_form"):
            form = context.get(key)
            if form is not None and hasattr(form, "errors"):
                texts += [str(e) for errors in form.errors.values() for e in errors]
    return texts


def assert_french(texts: list[str]) -> None:
    assert texts, "refused without saying why"
    for text in texts:
        assert text.strip()
        assert not ENGLISH.search(text), text


def assert_escaped(http: HttpClient, url: str) -> None:
    page = http.get(url).content.decode()
    assert not any(attack in page for attack in XSS)


def as_post(values: dict) -> dict:
    """A model's values as a browser would post them back."""
    data = {}
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = value
    return data


# -- client records ----------------------------------------------------------

BACKOFFICE_FIELDS = IDENTITY_FIELDS + ["groups"] + ADDRESS_FIELDS + COMPANY_FIELDS


def _stored_record_is_valid(client: Client, organization) -> None:
    form = BackofficeClientForm(
        as_post(model_to_dict(client, fields=BACKOFFICE_FIELDS)),
        instance=client,
        organization=organization,
        can_edit_groups=True,
        invoice_fields={},
    )
    assert form.is_valid(), form.errors


@given(data=overrides(BACKOFFICE_FIELDS))
@FUZZ
def test_the_back_office_client_record(signed, data):
    client = signed.a.clients["a1"]
    url = reverse("backoffice:client", kwargs={"pk": client.pk})
    base = as_post(model_to_dict(client, fields=BACKOFFICE_FIELDS))
    with rolled_back():
        before = fingerprint()
        http = signed.http("manager")
        response = http.post(url, {**base, **data})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_french(feedback(response))
            assert fingerprint() == before
        else:
            client.refresh_from_db()
            _stored_record_is_valid(client, signed.a.organization)
            assert_escaped(http, url)


@given(data=overrides(BACKOFFICE_FIELDS))
@FUZZ
def test_a_new_client_record_from_the_counter(signed, data):
    url = reverse("backoffice:client_create")
    base = {"last_name": "NOUVEAU", "country": "FR", "profile": "individual"}
    with rolled_back():
        before = fingerprint()
        count = Client.objects.count()
        response = signed.http("cashier").post(url, {**base, **data})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_french(feedback(response))
            assert fingerprint() == before
        else:
            assert Client.objects.count() == count + 1
            client = Client.objects.latest("pk")
            assert client.organization_id == signed.a.organization.pk
            _stored_record_is_valid(client, signed.a.organization)


@given(data=overrides(CONTACT_FIELDS + COMPANY_FIELDS))
@FUZZ
def test_the_member_profile(signed, data):
    client = signed.a.clients["a2"]
    slug = signed.a.organization.slug
    url = reverse("members:profile", kwargs={"org_slug": slug})
    fields = CONTACT_FIELDS + COMPANY_FIELDS
    base = as_post(model_to_dict(client, fields=fields))
    with rolled_back():
        before = fingerprint()
        http = signed.http("a2")
        response = http.post(url, {**base, **data})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_french(feedback(response))
            assert fingerprint() == before
        else:
            client.refresh_from_db()
            assert client.email == base["email"]  # the login is not the member's
            stored = ClientRecordForm(
                as_post(model_to_dict(client, fields=fields)), instance=client
            )
            assert stored.is_valid(), stored.errors
            assert_escaped(http, url)


@pytest.fixture
def incomplete(signed):
    """A member of A's invoicing group whose record lacks its company data."""
    client = factories.client(
        signed.a.park, groups=[signed.a.group], with_account=True, complete=False
    )
    http = HttpClient()
    http.force_login(client.user)
    return client, http.cookies


@given(data=overrides(["company_name", "address", "postcode", "city", "country"]))
@FUZZ
def test_the_company_form_at_checkout(signed, incomplete, data):
    client, cookies = incomplete
    url = reverse("shop:checkout", kwargs={"org_slug": signed.a.organization.slug})
    base = {
        "action": "company",
        "company_name": "SOCIETE SAS",
        "address": "1 rue du Parc",
        "postcode": "89100",
        "city": "SENS",
        "country": "FR",
        "vat_number": "",
        "siret": "",
    }
    with rolled_back():
        before = fingerprint()
        http = HttpClient()
        http.cookies = cookies
        response = http.post(url, {**base, **data})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_french(feedback(response))
            assert fingerprint() == before
        else:
            client.refresh_from_db()
            assert client.company_name.strip() and client.city.strip()


# -- groups, parks -----------------------------------------------------------

GROUP_FIELDS = ["name", "private_shop", "online_invoices"]


@given(data=overrides(GROUP_FIELDS), create=st.booleans())
@FUZZ
def test_the_group_form(signed, data, create):
    group = signed.a.group
    url = (
        reverse("backoffice:group_create")
        if create
        else reverse("backoffice:group", kwargs={"pk": group.pk})
    )
    base = {"name": "Club VIP", "private_shop": "True", "online_invoices": "False"}
    with rolled_back():
        before = fingerprint()
        count = CustomerGroup.objects.count()
        http = signed.http("manager")
        response = http.post(url, {**base, **data})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_french(feedback(response))
            assert fingerprint() == before
        else:
            assert CustomerGroup.objects.count() == count + create
            saved = CustomerGroup.objects.get(
                pk=urlparse(response["Location"]).path.split("/")[-2]
            )
            assert saved.name == saved.name.strip() and saved.name
            assert_escaped(http, response["Location"])


@given(data=overrides(PARK_FIELDS + ["remove_logo"]))
@FUZZ
def test_the_park_form(signed, data):
    park = signed.a.park
    url = reverse("backoffice:park", kwargs={"pk": park.pk})
    with rolled_back():
        before = fingerprint()
        http = signed.http("manager")
        response = http.post(url, {**park_data(park), **data})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_french(feedback(response))
            assert fingerprint() == before
        else:
            park.refresh_from_db()
            stored = ParkForm(
                park_data(park),
                instance=park,
                organization=signed.a.organization,
                series_locked=True,
            )
            assert stored.is_valid(), stored.errors
            assert_escaped(http, url)


# -- money: the counter and refunds ------------------------------------------


def quantities(products):
    return st.fixed_dictionaries(
        {},
        optional={
            f"qty_{p.pk}": st.one_of(
                st.integers(-(10**12), 10**12).map(str), st.sampled_from(NASTY)
            )
            for p in products
        },
    )


def assert_sales_whole() -> None:
    """Every sale has lines; every paid one is paid exactly its total."""
    assert not Sale.objects.filter(lines__isnull=True).exists()
    for sale in Sale.objects.filter(status="paid"):
        lines = sum(
            (line.unit_price_incl * line.quantity for line in sale.lines.all()),
            Decimal(0),
        )
        assert lines == sale.total_incl
        received = sale.payments.filter(amount__gt=0).aggregate(t=Sum("amount"))["t"]
        assert received == sale.total_incl


@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "reference": st.one_of(st.just("ab" * 16), hostile),
            "client": st.one_of(st.just("A1"), hostile),
            "method": st.one_of(st.sampled_from(["cash", "card", "cheque"]), hostile),
            "issue_invoice": st.one_of(st.just("on"), hostile),
            "parc": hostile,
            "action": st.one_of(st.just("preview"), hostile),
        },
    ),
    counts=st.data(),
)
@FUZZ
def test_the_counter_sale_form(signed, data, counts):
    products = list(signed.a.products.values())
    data = {**data, **counts.draw(quantities(products))}
    if data.get("client") == "A1":
        data["client"] = str(signed.a.clients["a1"].pk)
    with rolled_back():
        before = fingerprint()
        sales = Sale.objects.count()
        response = signed.http("cashier").post(reverse("backoffice:counter"), data)
        assert response.status_code in (200, 302, 404)
        if response.status_code == 404:
            # Only an unknown park or client (another organization's looks
            # the same) is not found.
            assert "parc" in data or "client" in data
        if response.status_code != 302:
            assert Sale.objects.count() == sales
            assert fingerprint() == before
        if response.status_code == 200 and data.get("action") != "preview":
            assert_french(feedback(response))
        if response.status_code == 302:
            assert Sale.objects.count() == sales + 1
        assert_sales_whole()


@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "reference": st.one_of(st.just("cd" * 16), hostile),
            "method": st.one_of(st.sampled_from(["cash", "online_card"]), hostile),
            "reason": hostile,
            "everything": st.one_of(st.just("1"), hostile),
        },
    ),
    counts=st.data(),
)
@FUZZ
def test_the_refund_form(signed, data, counts):
    sale = signed.a.sales["a1"]
    lines = list(sale.lines.all())
    data = {
        **data,
        **counts.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    f"line_{line.pk}": st.one_of(
                        st.integers(-5, 5).map(str), st.sampled_from(NASTY)
                    )
                    for line in lines
                },
            )
        ),
    }
    url = reverse("backoffice:sale_refund", kwargs={"public_id": sale.public_id})
    with rolled_back():
        before = fingerprint()
        response = signed.http("manager").post(url, data)
        assert response.status_code in (200, 302)
        said = feedback(response)
        assert_french(said)
        if response.status_code == 200 or not any("enregistré" in t for t in said):
            assert fingerprint() == before
        for line in SaleLine.objects.filter(sale=sale):
            assert 0 <= line.refunded_quantity <= line.quantity
        refunded = -(
            Payment.objects.filter(sale=sale, amount__lt=0).aggregate(t=Sum("amount"))[
                "t"
            ]
            or 0
        )
        assert refunded <= sale.total_incl
        credited = Invoice.objects.filter(sale=sale, kind="credit_note").aggregate(
            t=Sum("total_incl")
        )["t"] or Decimal(0)
        assert abs(credited) <= sale.total_incl


# -- the basket --------------------------------------------------------------


@given(
    operation=st.sampled_from(["cart_add", "cart_update", "cart_remove", "cart_slot"]),
    data=st.fixed_dictionaries(
        {},
        optional={
            name: hostile for name in ["product", "quantity", "line", "day", "time"]
        },
    ),
    visitor=st.sampled_from(["anon", "a1"]),
)
@FUZZ
def test_the_basket_forms(signed, operation, data, visitor):
    slug = signed.a.organization.slug
    ticket = signed.a.products["ticket"]
    with rolled_back():
        before = fingerprint()
        http = signed.http(visitor)
        http.post(
            reverse("shop:cart_add", kwargs={"org_slug": slug}),
            {"product": ticket.pk, "quantity": 2},
        )
        [line] = cart_lines(http, signed.a.organization)
        if operation == "cart_slot" and "line" in data:
            data = {**data, **{f"slot-{data['line']}-{k}": v for k, v in data.items()}}
        response = http.post(
            reverse(f"shop:{operation}", kwargs={"org_slug": slug}), data
        )
        # 400: a body Django cannot even parse (field names kilobytes long).
        assert response.status_code in (302, 400)
        for text in feedback(response):
            assert not ENGLISH.search(text), text
        for stored in cart_lines(http, signed.a.organization):
            assert isinstance(stored["quantity"], int)
            assert 1 <= stored["quantity"] <= 99
        assert (
            http.get(reverse("shop:cart", kwargs={"org_slug": slug})).status_code == 200
        )
        assert fingerprint() == before
        assert line["quantity"] == 2


# -- logins ------------------------------------------------------------------


@given(
    front=st.sampled_from(["members", "backoffice"]),
    email=st.one_of(st.just("REAL"), hostile),
    password=st.one_of(st.just(PASSWORD), hostile),
    following=st.one_of(
        st.sampled_from(
            [
                "https://evil.example/",
                "//evil.example/",
                "/\\evil.example",
                "/backoffice/\r\nSet-Cookie: x=1",
                "javascript:alert(1)",
            ]
        ),
        hostile,
    ),
)
@FUZZ
def test_the_login_forms(signed, front, email, password, following):
    if front == "members":
        url = reverse("members:login", kwargs={"org_slug": signed.a.organization.slug})
        real = signed.a.clients["a1"].email
    else:
        url = reverse("backoffice:login")
        real = signed.a.users["manager"].email
    data = {"email": real if email == "REAL" else email, "password": password}
    with rolled_back():
        before = fingerprint()
        response = HttpClient().post(url, {**data, "next": following})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_french(feedback(response))
        else:
            assert data == {"email": real, "password": PASSWORD}
            target = response["Location"]
            assert target.startswith("/") and not target.startswith(("//", "/\\"))
            assert not re.search(r"[\r\n\x00]", target)
        assert fingerprint() == {
            **before,
            "organizations.User": fingerprint()["organizations.User"],
        }  # a login writes nothing but the user's last login


@given(email=hostile)
@FUZZ
def test_the_password_reset_form(signed, email):
    url = reverse(
        "members:password_reset", kwargs={"org_slug": signed.a.organization.slug}
    )
    with rolled_back():
        before = fingerprint()
        response = HttpClient().post(url, {"email": email})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_french(feedback(response))
        assert fingerprint() == before


# -- filters in the address --------------------------------------------------

FILTERED_PAGES = [
    ("backoffice:clients", ["q", "group", "profile", "incomplete", "page"]),
    ("backoffice:sales", ["client", "start", "end", "channel", "park", "invoice"]),
    ("backoffice:invoices", ["client", "start", "end", "park", "kind", "page"]),
    ("backoffice:invoices_csv", ["client", "start", "end", "park", "kind"]),
    ("backoffice:invoices_xlsx", ["client", "start", "end", "park", "kind"]),
    ("backoffice:alerts", ["etat", "page"]),
    ("backoffice:counter", ["parc", "client", "q"]),
    ("backoffice:missing_invoices", ["page"]),
    ("backoffice:groups", ["page"]),
    ("backoffice:accounting_plan", ["park"]),
    ("backoffice:accounting_exports", ["page"]),
]


@given(page=st.sampled_from(FILTERED_PAGES), data=st.data())
@FUZZ
def test_filters_in_the_address(signed, page, data):
    name, fields = page
    query = data.draw(overrides(fields))
    with rolled_back():
        response = signed.http("manager").get(reverse(name), query)
        if response.streaming:
            b"".join(response.streaming_content)
        if name == "backoffice:counter" and (query.get("parc") or query.get("client")):
            assert response.status_code in (200, 404)  # no such park or client
        else:
            assert response.status_code == 200


def test_a_park_or_client_id_that_is_no_number_is_not_found_not_an_error(signed):
    """Found by the fuzzing above: `?parc=x` used to raise (500)."""
    http = signed.http("manager")
    for value in ("x", "²", "1.5", "\x00"):
        response = http.get(reverse("backoffice:counter"), {"parc": value})
        assert response.status_code == 404
        assert (
            http.get(reverse("backoffice:counter"), {"client": value}).status_code
            == 200
        )
        url = reverse("backoffice:group_add_member", kwargs={"pk": signed.a.group.pk})
        assert http.post(url, {"client": value}).status_code == 404


def test_a_group_id_beyond_any_integer_is_refused_not_an_error(signed):
    """Found by the fuzzing above: the database raised on it (500)."""
    client = signed.a.clients["a1"]
    url = reverse("backoffice:client", kwargs={"pk": client.pk})
    data = as_post(model_to_dict(client, fields=BACKOFFICE_FIELDS))
    before = fingerprint()
    for huge in ("9" * 30, "-" + "9" * 30):
        response = signed.http("manager").post(url, {**data, "groups": [huge]})
        assert response.status_code == 200
        assert "groups" in response.context["form"].errors
        assert_french(feedback(response))
    assert fingerprint() == before


def test_refused_company_data_at_checkout_is_shown_with_its_errors(signed, incomplete):
    """Found by the fuzzing above: validation filled the client in memory, so
    the page believed the record complete and hid the form and its errors."""
    _, cookies = incomplete
    http = HttpClient()
    http.cookies = cookies
    url = reverse("shop:checkout", kwargs={"org_slug": signed.a.organization.slug})
    response = http.post(
        url,
        {
            "action": "company",
            "company_name": "SOCIETE SAS",
            "address": "1 rue du Parc",
            "postcode": "89100",
            "city": "SENS",
            "country": "",
        },
    )
    assert response.status_code == 200
    assert response.context["company_form"].errors["country"]
    assert "Ce champ est obligatoire." in response.content.decode()


# -- "Corriger la facture" ---------------------------------------------------

CORRECTION_FIELDS = [
    "company_name",
    "address",
    "address_complement",
    "postcode",
    "city",
    "country",
    "vat_number",
    "siret",
    "accounting_code",
    "reason",
]


@given(data=overrides(CORRECTION_FIELDS))
@FUZZ
def test_the_invoice_correction_form(signed, data):
    invoice = signed.a.invoices["a1"]
    client = invoice.client
    url = reverse("backoffice:invoice_correct", kwargs={"public_id": invoice.public_id})
    base = {
        **as_post(model_to_dict(client, fields=CORRECTION_FIELDS[:-1])),
        "reason": "Raison sociale erronée",
    }
    with rolled_back():
        before = fingerprint()
        response = signed.http("cashier").post(url, {**base, **data})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_french(feedback(response))
            assert fingerprint() == before
            return
        documents = Invoice.objects.filter(sale=invoice.sale)
        [new] = documents.active()
        assert documents.filter(credited_invoice=invoice, is_full_credit=True).exists()
        assert new.total_incl == invoice.total_incl
        # Whatever was typed, both documents still render as Factur-X.
        for document in documents.exclude(pk=invoice.pk):
            assert render_document(document.snapshot)[:5] == b"%PDF-"
