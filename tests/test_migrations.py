"""The migrations say what the models say: a model changed without its
migration would deploy a schema the code does not expect."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_left_without_its_migration():
    out = StringIO()
    # --check exits with an error, naming the changes, when one is missing.
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
