"""Who is a member here: the logged-in client of this organization, or nobody.

A member of another organization, a staff user or a platform administrator
is treated as an anonymous visitor: it never sees this organization's data.
"""

from __future__ import annotations

from django.http import HttpRequest

from comptoir.customers.models import Client
from comptoir.customers.selectors import clients_of
from comptoir.organizations.models import Organization, Park, User, UserKind


def member_client(request: HttpRequest, organization: Organization) -> Client | None:
    """The client record of the member logged in for `organization`, if any."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if user.kind != UserKind.MEMBER or user.organization_id != organization.pk:
        return None
    if User.client.is_cached(user):
        # Read with the user by the session's backend (ScopedEmailBackend):
        # fresh from this request's query, no second one.
        try:
            client = user.client
        except Client.DoesNotExist:
            return None
        return client if client.organization_id == organization.pk else None
    return (
        clients_of(organization.pk)
        .filter(user_id=user.pk)
        .select_related("initial_park")
        .first()
    )


def home_park(organization: Organization, client: Client | None = None) -> Park | None:
    """The park whose brand the pages show: the client's own, else the first."""
    if client is not None and client.initial_park_id:
        park = client.initial_park
        if park is not None and park.organization_id == organization.pk:
            return park
    return Park.objects.filter(organization_id=organization.pk).order_by("pk").first()
