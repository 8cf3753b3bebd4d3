"""Every URL of the project, read from the resolver, and how to fill it in.

`endpoints()` walks the URL configuration itself, so a URL added tomorrow
shows up here (and fails the access table until it has its row).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlsafe_base64_encode

from comptoir.accounting.models import ExportJob

from .conftest import World, payment_token, reset_link

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# Function views declare no methods: say here which ones they answer.
FUNCTION_VIEW_METHODS = {
    "home": ("GET",),
    "healthz": ("GET",),
    "favicon": ("GET",),
    "set_language": ("POST",),
    "admin:index": ("GET",),
    "einvoicing:webhook": ("POST",),
}
# Django's admin is walked at its door only: it is for platform staff.
ADMIN_DOOR = "admin:index"
# Out of range of any primary key (and of a 64-bit integer).
RANDOM_INT = 2**63 + 7


@dataclass(frozen=True)
class Endpoint:
    name: str
    route: str
    params: tuple[str, ...]
    methods: tuple[str, ...]


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else inner
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), joined or namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def _methods(name: str, pattern: URLPattern) -> tuple[str, ...]:
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return FUNCTION_VIEW_METHODS.get(name, ("?",))
    return tuple(
        method.upper()
        for method in HTTP_METHODS
        if method in view_class.http_method_names and hasattr(view_class, method)
    )


def endpoints() -> list[Endpoint]:
    """Every named URL but the admin's inner pages, with the methods it takes."""
    found = []
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if name.startswith("admin:") and name != ADMIN_DOOR:
            continue
        params = tuple(pattern.pattern.converters)
        # Parameters of the including patterns (the organization's slug).
        for part in route.split("<")[1:]:
            param = part.split(">")[0].split(":")[-1]
            if param not in params:
                params = (param, *params)
        found.append(Endpoint(name, route, params, _methods(name, pattern)))
    return found


def ids(world: World, kind: str, variant: str):
    """The id(s) of a `kind` of object: A's own, B's, or made up."""
    a, b = world.a, world.b
    if variant == "random":
        return {
            "sale": uuid.uuid4(),
            "invoice": uuid.uuid4(),
            "ticket": uuid.uuid4(),
            "client": RANDOM_INT,
            "group": RANDOM_INT,
            "park": RANDOM_INT,
            "alert": RANDOM_INT,
            "group_member": {"pk": RANDOM_INT, "client_pk": RANDOM_INT},
            "product": RANDOM_INT,
            "product_group": {"pk": RANDOM_INT, "group_pk": RANDOM_INT},
            "payment": "eyJvcmciOiJhIn0:forged:signature",
            "export": uuid.uuid4(),
            "provider": "inconnu",
            "reset": {
                "uidb64": urlsafe_base64_encode(str(RANDOM_INT).encode()),
                "token": "cbfq2x-0123456789abcdef0123456789abcdef",
            },
        }[kind]
    side, key = (b, "b") if variant == "other" else (a, "a1")
    ticket = world.ticket_b if variant == "other" else world.ticket_a1
    return {
        "sale": side.sales[key].public_id,
        "invoice": side.invoices[key].public_id,
        "ticket": ticket.public_id,
        "client": side.clients[key].pk,
        "group": side.group.pk,
        "park": side.park.pk,
        "alert": side.alert.pk,
        "group_member": {"pk": side.group.pk, "client_pk": side.clients[key].pk},
        "product": side.products["laser"].pk,
        "product_group": {"pk": side.products["laser"].pk, "group_pk": side.group.pk},
        "payment": payment_token(side.sales[key]),
        "provider": "simulator",
        "reset": reset_link(side.users["reset"]),
        "export": export_id(side) if kind == "export" else None,
    }[kind]


def export_id(side) -> uuid.UUID:
    """A ready accounting export of the side's park (made on first use)."""
    job = ExportJob.objects.filter(organization=side.organization).first()
    if job is None:
        job = ExportJob(
            organization=side.organization,
            park=side.park,
            date_from=dt.date(2024, 1, 1),
            date_to=dt.date(2024, 1, 31),
            format="fec",
            status="ready",
            filename="123456789FEC20240131.txt",
        )
        job.file.save(job.filename, ContentFile(b"JournalCode\r\n"), save=True)
    return job.public_id


def url_kwargs(world: World, endpoint: Endpoint, kind: str | None, variant: str):
    """Fill the URL's parameters; `cross` puts A's objects under B's address."""
    kwargs: dict = {}
    if "org_slug" in endpoint.params:
        side = world.b if variant == "cross" else world.a
        kwargs["org_slug"] = side.organization.slug
    if kind is None:
        return kwargs
    value = ids(world, kind, "own" if variant == "cross" else variant)
    if isinstance(value, dict):
        kwargs.update(value)
    else:
        [param] = [p for p in endpoint.params if p != "org_slug"]
        kwargs[param] = value
    return kwargs


def login_url(name: str, kwargs: dict) -> str:
    """Where a visitor who must sign in is sent, for this part of the site."""
    if name.startswith(("shop:", "members:")):
        return reverse("members:login", kwargs={"org_slug": kwargs["org_slug"]})
    if name.startswith("backoffice:"):
        return reverse("backoffice:login")
    return reverse("admin:login")
