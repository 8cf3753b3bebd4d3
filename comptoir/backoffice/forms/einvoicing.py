"""The "Facturation électronique" setting form (managers)."""

from __future__ import annotations

from urllib.parse import urlparse

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comptoir.einvoicing.models import Mode, ReportingPeriod
from comptoir.einvoicing.services.config import SettingsInput


class EInvoicingSettingsForm(forms.Form):
    mode = forms.ChoiceField(label=_("Facturation électronique"), choices=Mode.choices)
    base_url = forms.URLField(
        label=_("Adresse de l'API de la plateforme agréée (Flow Service)"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Fournie par votre plateforme agréée, par exemple https://api.pa.example/flow-service."
        ),
    )
    directory_url = forms.URLField(
        label=_("Adresse de l'annuaire (Directory Service)"),
        required=False,
        assume_scheme="https",
        help_text=_("Vide : la même adresse que le Flow Service."),
    )
    api_key = forms.CharField(
        label=_("Jeton d'accès"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Laissez vide pour garder le jeton enregistré (il est chiffré)."),
    )
    webhook_secret = forms.CharField(
        label=_("Secret de signature des notifications"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Laissez vide pour garder le secret enregistré (il est chiffré)."),
    )
    reporting_period = forms.ChoiceField(
        label=_("Périodicité de l'e-reporting"), choices=ReportingPeriod.choices
    )

    def __init__(self, *args, config, **kwargs):
        self.config = config
        kwargs.setdefault(
            "initial",
            {
                "mode": config.mode,
                "base_url": config.base_url,
                "directory_url": config.directory_url,
                "reporting_period": config.reporting_period,
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        base_url = data.get("base_url") or ""
        if mode == Mode.PRODUCTION:
            for name in ("base_url", "directory_url"):
                url = data.get(name) or ""
                if name == "base_url" and not url:
                    self.add_error(
                        name,
                        _("En production, l'adresse de la plateforme est obligatoire."),
                    )
                elif url and urlparse(url).scheme != "https":
                    self.add_error(
                        name, _("En production, l'adresse doit commencer par https://.")
                    )
            if not (data.get("api_key") or self.config.api_key):
                self.add_error(
                    "api_key", _("En production, le jeton d'accès est obligatoire.")
                )
        elif mode == Mode.TEST and not base_url and not _local_standin():
            self.add_error(
                "base_url", _("Renseignez l'adresse de l'API de test de la plateforme.")
            )
        return data

    def to_input(self) -> SettingsInput:
        data = self.cleaned_data
        return SettingsInput(
            mode=data["mode"],
            base_url=data["base_url"] or "",
            directory_url=data["directory_url"] or "",
            reporting_period=data["reporting_period"],
            api_key=data["api_key"] or None,
            webhook_secret=data["webhook_secret"] or None,
        )


def _local_standin() -> bool:
    return bool(getattr(settings, "EINVOICING_LOCAL_STANDIN", False))
