"""Online payment settings ("Paiement en ligne"): the provider and its keys.

Managers only. Secrets are stored encrypted and shown masked; leaving a
secret field empty keeps the stored one. Every change and every test of the
connection is in the audit trail.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from comptoir.core.audit import history
from comptoir.payments.models import ProviderAccount, ProviderName
from comptoir.payments.providers import simulator_enabled
from comptoir.payments.selectors import account_of, mask, unmatched_events
from comptoir.payments.services import save_provider_account, test_provider_connection
from comptoir.sales.services import SaleError

from ..mixins import ManagerRequiredMixin


class ProviderAccountForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("Prestataire"))
    publishable_key = forms.CharField(
        label=gettext_lazy("Clé publiable"), max_length=255, required=False
    )
    secret_key = forms.CharField(
        label=gettext_lazy("Clé secrète"),
        max_length=255,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    webhook_secret = forms.CharField(
        label=gettext_lazy("Secret de signature des webhooks"),
        max_length=255,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self, *args: Any, account: ProviderAccount | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        choices = [(ProviderName.STRIPE.value, ProviderName.STRIPE.label)]
        if simulator_enabled():
            choices.insert(
                0, (ProviderName.SIMULATOR.value, ProviderName.SIMULATOR.label)
            )
        cast(forms.ChoiceField, self.fields["provider"]).choices = choices
        for name in ("secret_key", "webhook_secret"):
            stored = (getattr(account, name, "") or "") if account else ""
            if stored:
                self.fields[name].help_text = _(
                    "Enregistrée : %(masked)s. Laissez vide pour la conserver."
                ) % {"masked": mask(stored)}

    def clean(self) -> dict[str, Any]:
        # Form.clean returns cleaned_data (typed optional by the stubs).
        cleaned = cast("dict[str, Any]", super().clean())
        if cleaned.get("provider") != ProviderName.STRIPE:
            return cleaned
        account = self.account
        checks = {
            "publishable_key": ("pk_", _("Saisissez la clé publiable (pk_…).")),
            "secret_key": ("sk_", _("Saisissez la clé secrète (sk_… ou rk_…).")),
            "webhook_secret": (
                "whsec_",
                _("Saisissez le secret des webhooks (whsec_…)."),
            ),
        }
        for name, (prefix, message) in checks.items():
            value = (cleaned.get(name) or "").strip()
            cleaned[name] = value
            stored = (getattr(account, name, "") or "") if account else ""
            if not value and not stored:
                self.add_error(name, message)
            elif value and not value.startswith(
                ("sk_", "rk_") if name == "secret_key" else prefix
            ):
                self.add_error(name, message)
        return cleaned


class PaymentSettingsView(ManagerRequiredMixin, TemplateView):
    template_name = "backoffice/payments/settings.html"
    section = "payments"

    def get_context_data(
        self, form: ProviderAccountForm | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        account = account_of(self.organization.pk)
        if form is None:
            form = ProviderAccountForm(
                account=account,
                initial={
                    "provider": account.provider
                    if account
                    else (
                        ProviderName.SIMULATOR
                        if simulator_enabled()
                        else ProviderName.STRIPE
                    ),
                    "publishable_key": account.publishable_key if account else "",
                },
            )
        webhook_url = self.request.build_absolute_uri(
            reverse(
                "shop:payment_notification",
                kwargs={"org_slug": self.organization.slug, "provider": "stripe"},
            )
        )
        context.update(
            form=form,
            account=account,
            masked_secret=mask(account.secret_key) if account else "",
            masked_webhook=mask(account.webhook_secret) if account else "",
            webhook_url=webhook_url,
            simulator_allowed=simulator_enabled(),
            unmatched=unmatched_events(self.organization.pk)[:20],
            audit=history(account)[:20] if account else [],
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        if "test" in request.POST:
            account = account_of(self.organization.pk)
            if account is None:
                messages.error(request, _("Enregistrez d'abord un prestataire."))
                return redirect("backoffice:payment_settings")
            account = test_provider_connection(account=account, actor=request.user)
            if account.check_ok:
                messages.success(request, account.check_message)
            else:
                messages.error(request, account.check_message)
            return redirect("backoffice:payment_settings")
        form = ProviderAccountForm(
            request.POST, account=account_of(self.organization.pk)
        )
        if not form.is_valid():
            messages.error(
                request, _("Réglages non enregistrés : vérifiez le formulaire.")
            )
            return self.render_to_response(self.get_context_data(form=form))
        try:
            save_provider_account(
                organization=self.organization,
                provider=form.cleaned_data["provider"],
                publishable_key=form.cleaned_data["publishable_key"].strip(),
                secret_key=form.cleaned_data["secret_key"].strip(),
                webhook_secret=form.cleaned_data["webhook_secret"].strip(),
                actor=request.user,
            )
        except SaleError as exc:
            messages.error(request, exc.message)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("Réglages du paiement en ligne enregistrés."))
        return redirect("backoffice:payment_settings")
