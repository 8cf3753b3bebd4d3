"""Plurals go through ngettext with French's rule: 0 and 1 are singular
("0 billet", "1 membre"), 2 and more plural — for every plural message of
the project, and on the screens."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext
from django.utils.translation.template import templatize

from tests import factories
from tests.shop.fixtures import members, signed_in, text

ROOT = Path(settings.BASE_DIR) / "comptoir"
TEMPLATE_PLURAL = re.compile(r"ngettext\(u'((?:[^'\\]|\\.)*)', u'((?:[^'\\]|\\.)*)'")


def plural_messages() -> set[tuple[str, str]]:
    found = set()
    for path in ROOT.rglob("*.html"):
        code = templatize(path.read_text(), origin=str(path))
        for one, many in TEMPLATE_PLURAL.findall(code):
            # Python literals in templatize's output: unescape them.
            found.add((ast.literal_eval(f"'{one}'"), ast.literal_eval(f"'{many}'")))
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", ""))
                in {"ngettext", "ngettext_lazy"}
                and all(isinstance(a, ast.Constant) for a in node.args[:2])
            ):
                found.add((node.args[0].value, node.args[1].value))
    return found


def test_every_plural_message_is_singular_for_zero_and_one_in_french():
    """Fails for a new plural until `bash scripts/french-plurals.sh` is run."""
    messages = plural_messages()
    assert ("%(counter)s membre", "%(counter)s membres") in messages
    with translation.override("fr"):
        for one, many in sorted(messages):
            assert ngettext(one, many, 0) == one, one
            assert ngettext(one, many, 1) == one, one
            assert ngettext(one, many, 2) == many, many


@pytest.mark.django_db
def test_the_member_home_says_0_billet_and_0_bon(organization, member):
    page = text(signed_in(member.user).get(members(organization, "home")))
    assert "0 billet à utiliser" in page
    assert "0 bon avec du solde" in page


@pytest.mark.django_db
def test_a_group_of_one_says_1_membre(organization, park, manager):
    group = factories.group(organization, name="Club VIP")
    factories.client(park, groups=[group])
    page = text(signed_in(manager).get(f"/backoffice/groupes/{group.pk}/"))
    assert "1 membre ·" in page or "1 membre\n" in page
    assert "1 membres" not in page
