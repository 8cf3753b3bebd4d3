"""« Télécharger » returns the PDF, named after the invoice; anyone else gets a
404, whatever id they try."""

import io
import uuid

import pytest
from django.test import Client as HttpClient
from pypdf import PdfReader

from comptoir.invoicing.models import Invoice
from comptoir.sales.models import PaymentMethod
from comptoir.sales.services import refund_sale
from tests import factories
from tests.shop.fixtures import members, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(park, products, member) -> Invoice:
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    return Invoice.objects.get(sale=sale)


def _url(organization, invoice):
    return members(organization, "invoice_download", public_id=invoice.public_id)


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_member_downloads_its_pdf(organization, invoice, as_member):
    response = as_member.get(_url(organization, invoice))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{invoice.number}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    assert invoice.number in _text(response.content)
    invoice.refresh_from_db()
    assert invoice.rendered_at is not None  # rendered on first download


def test_a_credit_note_downloads_too(organization, invoice, as_member, cashier):
    (note,) = refund_sale(
        sale=invoice.sale,
        quantities=None,
        method=PaymentMethod.CARD,
        actor=cashier,
        reason="Annulation",
    )
    response = as_member.get(_url(organization, note))
    assert response["Content-Disposition"].endswith(f'filename="{note.number}.pdf"')
    assert note.number in _text(response.content)


def test_nobody_else_gets_it(
    organization, park, group, invoice, manager, other_organization
):
    _, _, _, outsider = other_organization
    stranger = factories.client(park, groups=[group], with_account=True)
    assert signed_in(stranger.user).get(_url(organization, invoice)).status_code == 404
    # Anyone not a member here is asked to log in first, and gets no PDF.
    for http in (HttpClient(), signed_in(outsider.user), signed_in(manager)):
        response = http.get(_url(organization, invoice))
        assert response.status_code == 302
        assert response["Location"].startswith(members(organization, "login"))


def test_the_same_id_under_another_organizations_address_is_a_404(
    organization, invoice, member, as_member, other_organization
):
    other, *_ = other_organization
    url = members(other, "invoice_download", public_id=invoice.public_id)
    response = as_member.get(url)
    # Not a member there: asked to log in there, and never served the PDF.
    assert response.status_code == 302
    assert response["Location"].startswith(members(other, "login"))


def test_unknown_or_malformed_ids_are_404(organization, invoice, as_member):
    random_id = members(organization, "invoice_download", public_id=uuid.uuid4())
    assert as_member.get(random_id).status_code == 404
    base = members(organization, "invoices")
    for tail in (f"{invoice.pk}/telecharger/", "../telecharger/", "x/telecharger/"):
        assert as_member.get(base + tail).status_code == 404


def test_a_member_no_longer_eligible_cannot_download(
    organization, group, invoice, as_member
):
    group.online_invoices = False
    group.save()
    assert as_member.get(_url(organization, invoice)).status_code == 404
