"""The back office's login form."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from comptoir.organizations.models import User, UserKind


class StaffLoginForm(forms.Form):
    """Staff only: a member's email and password never open the back office."""

    email = forms.EmailField(
        label=_("Adresse email"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            user = authenticate(
                self.request, email=email, password=password, kind=UserKind.STAFF
            )
            if user is None or not user.is_staff_member:
                raise forms.ValidationError(
                    _("Email ou mot de passe incorrect."), code="invalid_login"
                )
            self.user = user
        return cleaned
