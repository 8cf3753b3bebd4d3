"""Members for the load benchmark: complete B2B records, one password hash."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from comptoir.customers.models import Client, CustomerGroup
from comptoir.organizations.models import Organization, Park, User, UserKind

PASSWORD = "bench-Passw0rd!"


@transaction.atomic
def make_members(count: int, group_name: str, online_invoices: bool, prefix: str):
    organization = Organization.objects.get(slug="try")
    park = Park.objects.get(public_code="QW-TRY")
    group, _ = CustomerGroup.objects.get_or_create(
        organization=organization,
        name=group_name,
        defaults={"private_shop": True, "online_invoices": online_invoices},
    )
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=User.username_for(
                UserKind.MEMBER, organization, f"{prefix}{i}@bench.example"
            ),
            email=f"{prefix}{i}@bench.example",
            password=password,
            kind=UserKind.MEMBER,
            organization=organization,
            first_name="Bench",
            last_name=f"{prefix.upper()}{i}",
        )
        for i in range(count)
    )
    clients = Client.objects.bulk_create(
        Client(
            organization=organization,
            user=user,
            first_name="Bench",
            last_name=user.last_name,
            email=user.email,
            initial_park=park,
            company_name=f"BENCH {i} SAS",
            address="1 rue du Test",
            postcode="75001",
            city="PARIS",
            siret="32456789000011",
            vat_number="FR28324567890",
        )
        for i, user in enumerate(users)
    )
    group.clients.add(*clients)


def make_sessions(prefix: str, path: str) -> int:
    """Logged-in sessions for the bench members, written one key per line.

    The load measures checkouts, not Argon2: members are logged in ahead,
    exactly as `login()` would leave their session.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from comptoir.organizations.sessions import SessionStore

    keys = []
    users = User.objects.filter(
        email__endswith="@bench.example", email__startswith=prefix
    )
    for user in users.order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = (
            "comptoir.organizations.backends.ScopedEmailBackend"
        )
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    with open(path, "w") as fh:
        fh.write("\n".join(keys))
    return len(keys)


def product_ids(*names: str) -> str:
    """Comma-separated ids of the demo park's products with these names."""
    from comptoir.catalog.models import Product

    products = Product.objects.filter(park__public_code="QW-TRY", name__in=names)
    return ",".join(
        str(pk) for pk in products.order_by("pk").values_list("pk", flat=True)
    )
