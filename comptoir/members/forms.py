"""Forms of the member space: login, password reset, profile."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comptoir.customers.forms import ClientRecordForm
from comptoir.organizations.models import Organization, User, UserKind


class MemberLoginForm(forms.Form):
    """Email and password, checked against this organization's members only.

    Goes through `django.contrib.auth.authenticate`, so django-axes counts
    every failure (per scoped login key and address) and refuses a locked
    account before its password is even checked.
    """

    email = forms.EmailField(
        label=_("Adresse email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "Adresse email ou mot de passe incorrect. Vérifiez votre saisie : "
            "le mot de passe tient compte des majuscules."
        ),
        "locked_out": _(
            "Trop de tentatives de connexion ont échoué : par sécurité, votre "
            "compte est bloqué pendant quelques minutes. Réessayez plus tard ou "
            "réinitialisez votre mot de passe."
        ),
    }

    def __init__(
        self,
        *args: Any,
        request: HttpRequest,
        organization: Organization,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.organization = organization
        self.user: User | None = None
        self.locked_out = False

    def clean(self) -> dict[str, Any]:
        # Form.clean returns cleaned_data (typed optional by the stubs).
        cleaned = cast("dict[str, Any]", super().clean())
        email, password = cleaned.get("email"), cleaned.get("password")
        if not email or not password:
            return cleaned
        user = authenticate(
            self.request,
            email=email,
            password=password,
            organization=self.organization,
            kind=UserKind.MEMBER,
        )
        if user is None or not hasattr(user, "client"):
            self.locked_out = bool(getattr(self.request, "axes_locked_out", False))
            code = "locked_out" if self.locked_out else "invalid_login"
            raise forms.ValidationError(self.error_messages[code], code=code)
        self.user = user
        return cleaned


class MemberPasswordResetForm(PasswordResetForm):
    """Finds only the members of this organization with that email."""

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["email"].label = _("Adresse email")

    def get_users(self, email: str) -> Iterator[User]:
        # An invited member who never chose a password may reset it too.
        members = User.objects.filter(
            organization=self.organization,
            kind=UserKind.MEMBER,
            email__iexact=email,
            is_active=True,
        )
        wanted = unicodedata.normalize("NFKC", email).casefold()
        return (
            user
            for user in members
            if unicodedata.normalize("NFKC", user.email).casefold() == wanted
        )


class MemberProfileForm(ClientRecordForm):
    """The back office's client record form; the login email is read-only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.disabled = True
        email.help_text = _(
            "C'est votre identifiant de connexion : pour le changer, contactez le parc."
        )
        # The accountant's code for this customer, not the customer's: staff only.
        accounting_code = self.fields["accounting_code"]
        accounting_code.disabled = True
        accounting_code.help_text = _("Attribué par le service comptable du parc.")
