"""Reads of organizations."""

from __future__ import annotations

from django.db.models import QuerySet

from comptoir.core.prepared import PreparedQuery, Shape

from .models import Organization


def _by_slug(*, slug: str, related: tuple[str, ...]) -> QuerySet[Organization]:
    rows = Organization.objects.filter(slug=slug)
    # `select_related()` without names would follow every foreign key.
    return rows.select_related(*related) if related else rows


# Every shop request and every payment notification reads it: compiled once
# per set of related rows (core.prepared).
_BY_SLUG = PreparedQuery[Organization](_by_slug)


def organization_by_slug(
    slug: str, *, related: tuple[str, ...] = ()
) -> Organization | None:
    """The organization whose URLs start with `slug`, with the `related`
    rows (`select_related`) read in the same statement; None when none."""
    return _BY_SLUG.first(slug=slug, related=Shape(related))
