"""update_park_settings: the one write of a park's settings, without a form."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.backoffice.forms.parks import ParkForm
from comptoir.core import audit
from comptoir.organizations.models import PARK_SETTINGS_FIELDS, Park
from comptoir.organizations.services import (
    UPDATED,
    SeriesLocked,
    has_documents,
    update_park_settings,
)
from tests import factories

pytestmark = pytest.mark.django_db

PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
    b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_change_is_saved_and_audited_with_its_before_and_after(park, manager):
    before = park.company_name
    update_park_settings(
        park=park,
        values={"company_name": "TRAMPO SAS", "city": "AUXERRE"},
        actor=manager,
    )
    stored = Park.objects.get(pk=park.pk)
    assert (stored.company_name, stored.city) == ("TRAMPO SAS", "AUXERRE")
    event = audit.history(park).get(action=UPDATED)
    assert event.actor == manager
    assert event.data["fields"] == ["city", "company_name"]
    # Only the identity's values are kept, not the address's.
    assert event.data["values"] == {"company_name": [before, "TRAMPO SAS"]}


def test_saving_the_same_values_writes_no_audit_event(park, manager):
    update_park_settings(
        park=park,
        values={"company_name": park.company_name, "vat_on_debits": park.vat_on_debits},
        actor=manager,
    )
    assert not audit.history(park).filter(action=UPDATED).exists()


def test_the_series_can_change_until_the_first_document(park, manager):
    update_park_settings(park=park, values={"invoice_series": "NEW"}, actor=manager)
    assert Park.objects.get(pk=park.pk).invoice_series == "NEW"


def test_the_series_is_locked_once_the_park_issued_a_document(
    park, member, products, manager
):
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 1)))
    assert has_documents(park)
    series = park.invoice_series
    with pytest.raises(SeriesLocked):
        update_park_settings(
            park=park,
            values={"invoice_series": "NEW", "city": "AUXERRE"},
            actor=manager,
        )
    stored = Park.objects.get(pk=park.pk)
    assert (stored.invoice_series, stored.city) == (series, park.city)
    assert not audit.history(park).filter(action=UPDATED).exists()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a directory of this test only."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


def test_a_new_logo_and_its_removal_are_audited(park, manager, media):
    update_park_settings(
        park=park,
        values={},
        logo=SimpleUploadedFile("logo.png", PNG_1PX, content_type="image/png"),
        actor=manager,
    )
    stored = Park.objects.get(pk=park.pk)
    assert stored.logo
    assert (media / stored.logo.name).read_bytes() == PNG_1PX
    update_park_settings(park=stored, values={}, remove_logo=True, actor=manager)
    assert not Park.objects.get(pk=park.pk).logo
    events = list(audit.history(park).filter(action=UPDATED).order_by("pk"))
    assert [e.data["fields"] for e in events] == [["logo"], ["logo"]]
    assert events[0].data["logo"] and events[1].data["logo"] == ""
    # Removing a logo that is not there is no change.
    update_park_settings(park=stored, values={}, remove_logo=True, actor=manager)
    assert audit.history(park).filter(action=UPDATED).count() == 2


def test_only_settings_fields_can_be_written(park, manager):
    other = factories.organization()
    with pytest.raises(ValueError, match="organization"):
        update_park_settings(park=park, values={"organization": other}, actor=manager)
    assert Park.objects.get(pk=park.pk).organization_id == park.organization_id


@pytest.mark.parametrize("name", ["public_code", "time_zone", "logo", "id"])
def test_a_field_off_the_settings_list_is_refused(park, manager, name):
    """PARK_SETTINGS_FIELDS is the one list: the page's form shows it, the
    service writes nothing else."""
    with pytest.raises(ValueError, match=name):
        update_park_settings(park=park, values={name: "X"}, actor=manager)
    assert not audit.history(park).filter(action=UPDATED).exists()


def test_the_settings_page_edits_exactly_the_settings_fields(park, organization):
    form = ParkForm(instance=park, organization=organization, series_locked=False)
    shown = [field.name for _title, fields in form.sections() for field in fields]
    assert shown == list(PARK_SETTINGS_FIELDS)
