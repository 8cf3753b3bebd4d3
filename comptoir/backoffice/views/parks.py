"""Park settings: the seller its invoices name, their terms and its logo.

Managers only. Issued documents keep the seller as it was (their snapshot);
a change here shows on the next documents. Replaced logos stay in storage:
a document issued but not rendered yet still names its own logo file.
"""

from __future__ import annotations

import base64
import io

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from PIL import Image, UnidentifiedImageError

from comptoir.core import audit
from comptoir.core.numbering import lock_counter
from comptoir.invoicing.models import DocumentKind
from comptoir.invoicing.selectors import invoices_of_organization
from comptoir.invoicing.services.issue import series_key
from comptoir.organizations.models import Park

from ..forms import ParkForm
from ..history import Entry
from ..mixins import ManagerRequiredMixin

PREVIEW_BOX = (320, 120)
UPDATED = "organizations.park.updated"
# Text settings whose before and after the history shows.
SHOWN_VALUES = frozenset(
    {
        "name",
        "company_name",
        "legal_form",
        "share_capital",
        "siren",
        "siret",
        "rcs",
        "vat_number",
        "invoice_series",
        "vat_on_debits",
        "require_buyer_siren",
    }
)


class SeriesLocked(Exception):
    """The park issued a document: its series code can no longer change."""


def has_documents(park: Park) -> bool:
    return invoices_of_organization(park.organization_id).filter(park=park).exists()


@transaction.atomic
def save_park_settings(*, form: ParkForm, actor) -> Park:
    """Save a valid ParkForm and record what changed in the audit trail."""
    park = form.instance  # holds the new values since validation
    changed = [
        name
        for name in form.changed_data
        if name == "logo"
        or (
            name != "remove_logo"
            # "852 345 677" for "852345677" is no change.
            and _plain(form.initial.get(name)) != _plain(getattr(park, name))
        )
    ]
    if form.cleaned_data.get("remove_logo") and form.initial.get("logo"):
        changed.append("logo")
    if "invoice_series" in changed:
        # The issuer numbers under these locks: holding them, no first
        # document can slip in between this check and the save.
        for kind in DocumentKind:
            lock_counter(park_id=park.pk, key=series_key(kind))
        if has_documents(park):
            raise SeriesLocked
    park = form.save()
    if changed:
        values = {
            name: [_plain(form.initial.get(name)), _plain(getattr(park, name))]
            for name in changed
            if name in SHOWN_VALUES
        }
        audit.record(
            park,
            UPDATED,
            actor=actor,
            data={
                "fields": sorted(set(changed)),
                "values": values,
                "logo": park.logo.name if park.logo else "",
            },
        )
    return park


def _plain(value) -> str | bool:
    return value if isinstance(value, bool) else str(value or "")


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
        with park.logo.storage.open(park.logo.name, "rb") as fh:
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
                save_park_settings(form=form, actor=request.user)
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
