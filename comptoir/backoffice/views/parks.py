"""Park settings: the seller its invoices name, their terms and its logo.

Managers only. Issued documents keep the seller as it was (their snapshot);
a change here shows on the next documents. Replaced logos stay in storage:
a document issued but not rendered yet still names its own logo file.
"""

from __future__ import annotations

import base64
import io
from typing import cast

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from PIL import Image, UnidentifiedImageError

from comptoir.core import audit
from comptoir.organizations.models import PARK_SETTINGS_FIELDS, Park
from comptoir.organizations.services import (
    UPDATED,
    SeriesLocked,
    has_documents,
    update_park_settings,
)

from ..forms.parks import ParkForm
from ..history import Entry
from ..mixins import ManagerRequiredMixin

PREVIEW_BOX = (320, 120)


def _settings_of(form: ParkForm) -> dict:
    """The validated park settings of a valid form, for the domain service."""
    return {name: form.cleaned_data[name] for name in PARK_SETTINGS_FIELDS}


def _new_logo(form: ParkForm) -> UploadedFile | None:
    logo = form.cleaned_data.get("logo")
    return logo if isinstance(logo, UploadedFile) else None


def describe(data: dict) -> str:
    labels = ParkForm.Meta.labels | {
        "country": _("Pays"),
        "vat_on_debits": _("TVA acquittée d'après les débits"),
        "require_buyer_siren": _("Exiger le SIREN de l'acheteur pour facturer"),
        "logo": _("Logo"),
    }
    values = data.get("values") or {}
    parts = []
    for name in data.get("fields") or []:
        label = str(labels.get(name, name))
        if name == "logo":
            parts.append(_("logo remplacé") if data.get("logo") else _("logo retiré"))
        elif name in values:
            before, after = (_shown(v) for v in values[name])
            parts.append(
                _("%(field)s : « %(before)s » → « %(after)s »")
                % {"field": label, "before": before, "after": after}
            )
        else:
            parts.append(label)
    return _("Réglages modifiés : %(changes)s") % {"changes": " ; ".join(parts)}


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    return value


def park_history(park: Park) -> list[Entry]:
    return [
        Entry(event.at, _who(event), describe(event.data))
        for event in audit.history(park).filter(action=UPDATED)
    ]


def _who(event) -> str:
    if event.actor is None:
        return _("Automatique")
    return event.actor.get_full_name() or event.actor.email


def logo_preview(park: Park) -> str:
    """A small copy of the stored logo, inline: media files are not served."""
    if not park.logo:
        return ""
    try:
        # Not empty (checked above): the file has a name.
        with park.logo.storage.open(cast(str, park.logo.name), "rb") as fh:
            with Image.open(fh, formats=["PNG", "JPEG"]) as image:
                image.thumbnail(PREVIEW_BOX)
                buffer = io.BytesIO()
                image.save(buffer, format="PNG")
    except (OSError, UnidentifiedImageError, ValueError):
        return ""
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class ParkListView(ManagerRequiredMixin, TemplateView):
    template_name = "backoffice/parks/list.html"
    section = "parks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parks"] = self.organization.parks.annotate(
            document_count=Count("invoices")
        ).order_by("name", "pk")
        return context


class ParkDetailView(ManagerRequiredMixin, TemplateView):
    template_name = "backoffice/parks/detail.html"
    section = "parks"

    def get_park(self) -> Park:
        return get_object_or_404(self.organization.parks.all(), pk=self.kwargs["pk"])

    def make_form(self, park: Park, data=None, files=None) -> ParkForm:
        return ParkForm(
            data,
            files,
            instance=park,
            organization=self.organization,
            series_locked=has_documents(park),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        park = kwargs.get("park") or self.get_park()
        context.update(
            park=park,
            form=kwargs.get("form") or self.make_form(park),
            logo=logo_preview(park),
            history=park_history(park),
        )
        return context

    def post(self, request, pk):
        park = self.get_park()
        form = self.make_form(park, request.POST, request.FILES)
        if form.is_valid():
            try:
                update_park_settings(
                    park=park,
                    values=_settings_of(form),
                    logo=_new_logo(form),
                    remove_logo=bool(form.cleaned_data.get("remove_logo")),
                    actor=request.user,
                )
            except SeriesLocked:
                form.add_error(
                    "invoice_series",
                    _(
                        "Une facture vient d'être émise avec ce code : il ne peut "
                        "plus être modifié."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Réglages du parc enregistrés. Les factures déjà émises "
                        "ne changent pas ; les prochaines en tiendront compte."
                    ),
                )
                return redirect("backoffice:park", pk=park.pk)
        messages.error(
            request,
            _(
                "Les réglages du parc ne sont pas enregistrés : corrigez les champs "
                "signalés."
            ),
        )
        # The instance took the refused values while validating: show the
        # page with the park as it is stored.
        return self.render_to_response(
            self.get_context_data(park=self.get_park(), form=form)
        )
