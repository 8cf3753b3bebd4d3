"""Who is stored as the author of a write: a saved account, or nobody."""

import pytest
from django.contrib.auth.models import AnonymousUser

from comptoir.organizations.models import User, saved_user
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_saved_account_is_stored_as_itself():
    manager = factories.staff(factories.organization())
    assert saved_user(manager) is manager


@pytest.mark.parametrize(
    "who", [None, AnonymousUser(), User(email="unsaved@example.com")]
)
def test_an_anonymous_visitor_or_an_unsaved_user_is_nobody(who):
    assert saved_user(who) is None
