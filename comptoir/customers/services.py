"""Writes of client records and groups, each recorded in the audit trail."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import cast

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comptoir.core import audit
from comptoir.core.mail import mail_configured
from comptoir.organizations.models import User, UserKind

from .models import Client, CustomerGroup

logger = logging.getLogger(__name__)


def save_client_record(*, form, actor, organization) -> Client:
    """Save a validated ClientRecordForm (or subclass) and record what changed.

    Issued invoices keep their own snapshot: nothing issued changes.
    """
    with transaction.atomic():
        creating = form.instance.pk is None
        client = form.save(commit=False)
        client.organization = organization
        if "email" in form.changed_data and client.user_id:
            _move_login(client)
        client.save()
        form.save_m2m()
        audit.record(
            client,
            "customers.client.created" if creating else "customers.client.updated",
            actor=actor,
            organization=organization,
            data={"fields": sorted(form.changed_data)},
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
def save_group_settings(*, form, actor) -> CustomerGroup:
    """Create or update a group from a valid GroupForm, with its audit trail."""
    creating = form.instance.pk is None
    enabled = form.cleaned_data["online_invoices"]
    group = form.save(commit=False)
    if creating:
        group.online_invoices = False
        group.save()
        audit.record(group, "customers.group.created", actor=actor)
    else:
        group.online_invoices = CustomerGroup.objects.get(pk=group.pk).online_invoices
        group.save(update_fields=["name", "private_shop"])
        changed = [name for name in form.changed_data if name != "online_invoices"]
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
    set_online_invoices(group=group, enabled=enabled, actor=actor)
    return group


def set_online_invoices(*, group: CustomerGroup, enabled: bool, actor) -> None:
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


def add_to_group(*, group: CustomerGroup, client: Client, actor) -> None:
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


def remove_from_group(*, group: CustomerGroup, client: Client, actor) -> None:
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


def invite_member(*, client: Client, actor, base_url: str) -> str:
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
    *, client: Client, changes: Mapping[str, str], actor
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
