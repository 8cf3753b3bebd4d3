"""Writes of client records and groups, each recorded in the audit trail."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Field
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comptoir.core import audit
from comptoir.core.mail import mail_configured
from comptoir.organizations.models import Organization, User, UserKind

from .models import Client, CustomerGroup

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


# What a record save never writes: the tenant, the member account (its
# login follows the record's email, see `_move_login`), the mail language
# and the dates.
NOT_RECORD_FIELDS = frozenset(
    {"id", "organization", "user", "language", "created_at", "updated_at"}
)


def _stored_value(client: Client, name: str) -> object:
    field = cast(Field, Client._meta.get_field(name))
    # A foreign key compares by id: no query for the related row.
    return getattr(client, field.attname)


def _new_value(name: str, value: object) -> object:
    if Client._meta.get_field(name).is_relation:
        return getattr(value, "pk", value)
    return value


def save_client(
    *,
    client: Client,
    values: Mapping[str, object],
    groups: Iterable[CustomerGroup] | None = None,
    actor: User | AnonymousUser | None,
    organization: Organization,
) -> Client:
    """Create or update a client record from validated values; audit it.

    `client` is a new (unsaved) client or a stored one; `values` maps record
    fields to their validated values (a park for `initial_park`); `groups`,
    when given, replaces the client's groups. What changed is judged against
    the stored record (a form's instance may already carry the new values),
    and a changed email moves the member's login with it. Issued invoices
    keep their own snapshot: nothing issued changes.
    """
    editable = {f.name for f in Client._meta.concrete_fields} - NOT_RECORD_FIELDS
    unknown = set(values) - editable
    if unknown:
        raise ValueError(f"Not client record fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        creating = client.pk is None
        if creating:
            stored = Client(organization=organization)
            stored_groups: set[int] = set()
        else:
            stored = Client.objects.get(pk=client.pk)
            if stored.organization_id != organization.pk:
                raise ValueError("client of another organization")
            stored_groups = set(stored.groups.values_list("pk", flat=True))
        changed = [
            name
            for name, value in values.items()
            if _stored_value(stored, name) != _new_value(name, value)
        ]
        chosen = None if groups is None else list(groups)
        if chosen is not None and {g.pk for g in chosen} != stored_groups:
            changed.append("groups")
        client.organization = organization
        for name, value in values.items():
            setattr(client, name, value)
        if "email" in changed and client.user_id:
            _move_login(client)
        client.save()
        if chosen is not None:
            client.groups.set(chosen)
        audit.record(
            client,
            "customers.client.created" if creating else "customers.client.updated",
            actor=actor,
            organization=organization,
            data={"fields": sorted(changed)},
        )
    return client


class LoginTaken(ValueError):
    """Another member of the organization already logs in with this email."""


def _move_login(client: Client) -> None:
    """The member logs in with its email: keep its account in step."""
    user = cast(User, client.user)  # called only for a client with an account
    username = User.username_for(UserKind.MEMBER, client.organization, client.email)
    if User.objects.filter(username=username).exclude(pk=user.pk).exists():
        raise LoginTaken("Un autre membre se connecte déjà avec cette adresse email.")
    user.email = client.email
    user.username = username
    user.save(update_fields=["email", "username"])


@transaction.atomic
def save_group_settings(
    *,
    group: CustomerGroup,
    name: str,
    private_shop: bool,
    online_invoices: bool,
    actor: User | AnonymousUser | None,
) -> CustomerGroup:
    """Create (`group` not saved yet) or update a group's settings.

    `name` is validated (unique in the organization, trimmed). A new group
    starts with online invoices off, then the switch is set, so that turning
    it on is always its own audit event (`set_online_invoices`).
    """
    creating = group.pk is None
    if creating:
        group.name, group.private_shop = name, private_shop
        group.online_invoices = False
        group.save()
        audit.record(group, "customers.group.created", actor=actor)
    else:
        stored = CustomerGroup.objects.get(pk=group.pk)
        changed = [
            field
            for field, value in (("name", name), ("private_shop", private_shop))
            if getattr(stored, field) != value
        ]
        group.name, group.private_shop = name, private_shop
        group.online_invoices = stored.online_invoices
        group.save(update_fields=["name", "private_shop"])
        if changed:
            audit.record(
                group,
                "customers.group.updated",
                actor=actor,
                data={
                    "fields": changed,
                    "name": group.name,
                    "private_shop": group.private_shop,
                },
            )
    set_online_invoices(group=group, enabled=online_invoices, actor=actor)
    return group


def set_online_invoices(
    *, group: CustomerGroup, enabled: bool, actor: User | AnonymousUser | None
) -> None:
    with transaction.atomic():
        if group.online_invoices == enabled:
            return
        group.online_invoices = enabled
        group.save(update_fields=["online_invoices"])
        audit.record(
            group,
            "customers.group.online_invoices",
            actor=actor,
            data={"enabled": enabled},
        )


def add_to_group(
    *, group: CustomerGroup, client: Client, actor: User | AnonymousUser | None
) -> None:
    if client.organization_id != group.organization_id:
        raise ValueError("client and group belong to different organizations")
    with transaction.atomic():
        group.clients.add(client)
        audit.record(
            group,
            "customers.group.member_added",
            actor=actor,
            data={"client": client.pk, "name": client.display_name},
        )


def remove_from_group(
    *, group: CustomerGroup, client: Client, actor: User | AnonymousUser | None
) -> None:
    with transaction.atomic():
        group.clients.remove(client)
        audit.record(
            group,
            "customers.group.member_removed",
            actor=actor,
            data={"client": client.pk, "name": client.display_name},
        )


def ensure_member_account(*, client: Client) -> User:
    """The client's member account, created without a usable password."""
    if client.user_id:
        return cast(User, client.user)
    if not client.email:
        raise ValueError("Le client n'a pas d'adresse email.")
    username = User.username_for(UserKind.MEMBER, client.organization, client.email)
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        if Client.objects.filter(user=existing).exclude(pk=client.pk).exists():
            raise LoginTaken(
                "Un autre client se connecte déjà avec cette adresse email."
            )
        # An account left without its client: link it back.
        client.user = existing
        client.save(update_fields=["user"])
        return existing
    with transaction.atomic():
        user = User.objects.create_user(
            username=User.username_for(
                UserKind.MEMBER, client.organization, client.email
            ),
            email=client.email,
            password=None,
            kind=UserKind.MEMBER,
            organization=client.organization,
            first_name=client.first_name,
            last_name=client.last_name,
        )
        client.user = user
        client.save(update_fields=["user"])
    return user


def invitation_link(*, client: Client, base_url: str) -> str:
    """A "choose your password" link for the member space (one use)."""
    user = ensure_member_account(client=client)
    path = reverse(
        "members:password_set",
        kwargs={
            "org_slug": client.organization.slug,
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


class InvitationNotSent(Exception):
    """The invitation mail could not be sent; `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def invite_member(
    *, client: Client, actor: User | AnonymousUser | None, base_url: str
) -> str:
    """Mail the client a link to set its password; returns the link.

    Raises InvitationNotSent when mail is not configured or the server
    refuses it: the operator is told, nothing is recorded as sent.
    """
    if not mail_configured():
        raise InvitationNotSent(
            "L'invitation n'a pas été envoyée : l'envoi d'emails n'est pas "
            "configuré sur ce serveur (serveur SMTP). Prévenez l'administrateur."
        )
    link = invitation_link(client=client, base_url=base_url)
    context = {"client": client, "link": link, "organization": client.organization}
    try:
        send_mail(
            render_to_string("customers/mail/invitation_subject.txt", context).strip(),
            render_to_string("customers/mail/invitation.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [client.email],
        )
    except Exception as exc:  # noqa: BLE001 — SMTP, DNS, TLS: all say the same
        logger.exception("Invitation mail to client %s failed", client.pk)
        raise InvitationNotSent(
            "L'invitation n'a pas été envoyée : le serveur d'emails ne répond "
            "pas ou l'a refusée. Réessayez dans quelques minutes."
        ) from exc
    audit.record(client, "customers.client.invited", actor=actor)
    return link


# What an invoice prints about its buyer: what "Corriger la facture" fixes.
BUYER_FIELDS = (
    "company_name",
    "address",
    "address_complement",
    "postcode",
    "city",
    "country",
    "vat_number",
    "siret",
    "accounting_code",
)


def update_buyer_details(
    *, client: Client, changes: Mapping[str, str], actor: User | AnonymousUser | None
) -> list[str]:
    """Write validated buyer fields into a client record; audit what changed.

    Runs in the caller's transaction (an invoice correction), so the record
    and the documents issued from it commit or roll back together.
    """
    changed = []
    for name, value in changes.items():
        if name not in BUYER_FIELDS:
            raise ValueError(f"{name} is not a buyer field")
        if getattr(client, name) != value:
            setattr(client, name, value)
            changed.append(name)
    if changed:
        client.save(update_fields=changed)
        audit.record(
            client,
            "customers.client.updated",
            actor=actor,
            organization=client.organization,
            data={"fields": sorted(changed)},
        )
    return changed


def remember_language(*, client: Client, language: str) -> None:
    """Keep the language the member uses: its mails are written in it."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or "").split("-")[0]
    # Unknown means the site's language: nothing to write for it.
    current = client.language or settings.LANGUAGE_CODE
    if language in codes and current != language:
        Client.objects.filter(pk=client.pk).update(language=language)
        client.language = language
