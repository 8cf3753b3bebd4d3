"""Password reset and first-login invitation, on Django's own views."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from comptoir.core import throttle
from comptoir.core.client_ip import client_ip
from comptoir.core.mail import mail_configured
from comptoir.organizations.models import Organization, User, UserKind
from comptoir.storefront.mixins import ShopMixin

from ..forms import MemberPasswordResetForm

SCOPED_BACKEND = "comptoir.organizations.backends.ScopedEmailBackend"


class PasswordResetView(ShopMixin, auth_views.PasswordResetView):
    template_name = "members/password_reset.html"
    form_class = MemberPasswordResetForm
    email_template_name = "members/mail/password_reset.txt"
    subject_template_name = "members/mail/password_reset_subject.txt"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organization"] = self.organization
        return kwargs

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not mail_configured():
            form.add_error(
                None,
                _(
                    "L'envoi d'emails n'est pas encore configuré sur ce site : "
                    "contactez le parc pour réinitialiser votre mot de passe."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=503)
        email = form.cleaned_data["email"]
        if not reset_allowed(self.request, self.organization, email):
            form.add_error(
                None,
                _(
                    "Trop de demandes de réinitialisation : par sécurité, "
                    "réessayez dans une heure. Pensez à vérifier vos courriers "
                    "indésirables."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.extra_email_context = {
            "organization": self.organization,
            "park": self.park,
        }
        return super().form_valid(form)

    def get_success_url(self) -> str:
        return reverse(
            "members:password_reset_done", kwargs={"org_slug": self.organization.slug}
        )


# Password-reset requests, per account (whether it exists or not, so the
# answer reveals nothing) and per client address, over a sliding hour.
RESET_WINDOW = dt.timedelta(hours=1)
RESETS_PER_ACCOUNT = 3
RESETS_PER_ADDRESS = 10


def reset_allowed(request: HttpRequest, organization: Organization, email: str) -> bool:
    """Count a reset request; False once the account or the address is over."""
    account = unicodedata.normalize("NFKC", email).casefold().strip()
    return throttle.allow(
        scope="password_reset.address",
        key=client_ip(request) or "",
        limit=RESETS_PER_ADDRESS,
        window=RESET_WINDOW,
        organization=organization,
    ) and throttle.allow(
        scope="password_reset.account",
        key=f"{organization.pk}:{account}",
        limit=RESETS_PER_ACCOUNT,
        window=RESET_WINDOW,
        organization=organization,
    )


class PasswordResetDoneView(ShopMixin, auth_views.PasswordResetDoneView):
    template_name = "members/password_reset_done.html"


class PasswordResetConfirmView(ShopMixin, auth_views.PasswordResetConfirmView):
    """A reset link works only at its own organization's address."""

    template_name = "members/password_reset_confirm.html"

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        if (
            user is None
            or user.kind != UserKind.MEMBER
            or user.organization_id != self.organization.pk
        ):
            return None
        return user

    def get_success_url(self) -> str:
        return reverse(
            "members:password_reset_complete",
            kwargs={"org_slug": self.organization.slug},
        )


class PasswordResetCompleteView(ShopMixin, auth_views.PasswordResetCompleteView):
    template_name = "members/password_reset_complete.html"


class PasswordSetView(PasswordResetConfirmView):
    """The invitation's "choose your password" link: logs the member in."""

    template_name = "members/password_set.html"
    post_reset_login = True
    post_reset_login_backend = SCOPED_BACKEND

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request, _("Votre mot de passe est enregistré. Bienvenue !")
        )
        return response

    def get_success_url(self) -> str:
        return reverse("members:home", kwargs={"org_slug": self.organization.slug})
