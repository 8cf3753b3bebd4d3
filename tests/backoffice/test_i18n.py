"""The back office is written in French and can be read in English."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_french_by_default(as_manager):
    content = as_manager.get(reverse("backoffice:groups")).content.decode()
    assert "Groupes de clients" in content
    assert "Nouveau groupe" in content


def test_english_when_chosen(as_manager, group, member):
    as_manager.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("backoffice:groups")},
    )
    content = as_manager.get(reverse("backoffice:group", kwargs={"pk": group.pk}))
    text = content.content.decode()
    assert '<html lang="en">' in text
    assert "Customer groups" in text
    assert "Invoices available online" in text
    assert "Remove from group" in text
    assert "Retirer du groupe" not in text


def test_every_message_has_an_english_translation():
    from pathlib import Path

    import comptoir.backoffice

    po = Path(comptoir.backoffice.__file__).parent / "locale/en/LC_MESSAGES/django.po"
    text = po.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    assert len(entries) > 200
    assert "#, fuzzy" not in text
    empty = re.compile(r'^msgstr(\[\d\])? ""\n(?!")', re.M)
    untranslated = [e for e in entries if empty.search(e.rstrip() + "\n")]
    assert untranslated == []


def test_counter_in_english(as_cashier, products):
    as_cashier.cookies["django_language"] = "en"
    text = as_cashier.get(reverse("backoffice:counter")).content.decode()
    assert "Cash" in text and "Cheque" in text
    assert "Calculate the total" in text
