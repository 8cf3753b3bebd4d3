"""E-invoicing: the manager's setting, the B2C e-reports, the buyer directory."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.core.audit import history
from comptoir.customers.selectors import clients_of
from comptoir.einvoicing.platforms import PlatformError
from comptoir.einvoicing.selectors import ereports_of, settings_for, transmissions_of
from comptoir.einvoicing.services.config import test_connection, update_settings
from comptoir.einvoicing.services.directory import directory_entry
from comptoir.einvoicing.services.reporting import resend_report, sync_reports

from ..forms.einvoicing import EInvoicingSettingsForm
from ..mixins import ManagerRequiredMixin, StaffRequiredMixin

REPORTS_PER_PAGE = 30


class EInvoicingSettingsView(ManagerRequiredMixin, TemplateView):
    template_name = "backoffice/einvoicing/settings.html"
    section = "einvoicing"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        config = settings_for(self.organization)
        context.update(
            config=config,
            form=kwargs.get("form") or EInvoicingSettingsForm(config=config),
            transmissions=transmissions_of(self.organization.pk)[:20],
            events=history(config)[:20] if config.pk else [],
        )
        return context

    def post(self, request):
        config = settings_for(self.organization)
        if "test" in request.POST:
            ok, message = test_connection(
                organization=self.organization, actor=request.user
            )
            (messages.success if ok else messages.error)(
                request,
                (
                    _("Connexion réussie : %(message)s")
                    if ok
                    else _("Connexion impossible : %(message)s")
                )
                % {"message": message},
            )
            return redirect("backoffice:einvoicing")
        form = EInvoicingSettingsForm(request.POST, config=config)
        if not form.is_valid():
            messages.error(
                request, _("Réglage non enregistré : vérifiez le formulaire.")
            )
            return self.render_to_response(self.get_context_data(form=form))
        update_settings(
            organization=self.organization, data=form.to_input(), actor=request.user
        )
        messages.success(request, _("Réglage de facturation électronique enregistré."))
        return redirect("backoffice:einvoicing")


class EReportListView(ManagerRequiredMixin, TemplateView):
    template_name = "backoffice/einvoicing/reports.html"
    section = "einvoicing"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = ereports_of(self.organization.pk)
        page = Paginator(reports, REPORTS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        context.update(page=page, config=settings_for(self.organization))
        return context

    def post(self, request):
        config = settings_for(self.organization)
        if not config.is_enabled:
            messages.error(request, _("La facturation électronique est désactivée."))
            return redirect("backoffice:ereports")
        if "resend" in request.POST:
            report = get_object_or_404(
                ereports_of(self.organization.pk), public_id=request.POST.get("resend")
            )
            report = resend_report(report=report, actor=request.user)
            messages.success(
                request,
                _("Rapport %(number)s renvoyé : %(state)s.")
                % {"number": report.number, "state": report.get_state_display()},
            )
        else:
            made = sync_reports(config=config)
            messages.success(
                request,
                _("%(count)s rapport(s) établi(s) ; les rapports dus sont envoyés.")
                % {"count": made},
            )
        return redirect("backoffice:ereports")


class ClientDirectoryView(StaffRequiredMixin, View):
    """Ask the PA's directory about the client's SIREN now."""

    def post(self, request, pk):
        client = get_object_or_404(clients_of(self.organization.pk), pk=pk)
        if not client.siren:
            messages.error(request, _("Cette fiche n'a pas de SIREN valide."))
            return redirect("backoffice:client", pk=client.pk)
        try:
            entry = directory_entry(
                organization_id=self.organization.pk, siren=client.siren, refresh=True
            )
        except PlatformError as exc:
            messages.error(
                request, _("Annuaire indisponible : %(error)s") % {"error": exc.message}
            )
        else:
            if entry.found:
                messages.success(
                    request,
                    _(
                        "Annuaire consulté : le client peut recevoir des "
                        "factures électroniques."
                    ),
                )
            else:
                messages.warning(
                    request, _("Annuaire consulté : ce SIREN n'y figure pas.")
                )
        return redirect("backoffice:client", pk=client.pk)
