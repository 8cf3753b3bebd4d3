"""Accounting screens (managers): the park's account plan, journal exports."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.accounting.models import ExportFormat, ExportStatus
from comptoir.accounting.plan import plan_of
from comptoir.accounting.selectors import exports_of
from comptoir.accounting.services import (
    CONTENT_TYPES,
    STREAM_MAX_DAYS,
    AccountingError,
    export_filename,
    period_entries,
    request_export,
    save_account_plan,
    stream_chunks,
    write_export,
)

from ..forms.accounting import AccountPlanForm, JournalExportForm, ParkChoiceForm
from ..mixins import ManagerRequiredMixin


class AccountPlanView(ManagerRequiredMixin, TemplateView):
    template_name = "backoffice/accounting/plan.html"
    section = "accounting"

    def park(self):
        chooser = ParkChoiceForm(
            self.request.GET or None, organization=self.organization
        )
        if chooser.is_bound and chooser.is_valid():
            return chooser, chooser.cleaned_data["park"]
        park = self.organization.parks.order_by("pk").first()
        if park is None:
            raise Http404
        return ParkChoiceForm(
            initial={"park": park}, organization=self.organization
        ), park

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chooser, park = self.park()
        form = kwargs.get("form") or AccountPlanForm(accounts=plan_of(park.pk).accounts)
        context.update(chooser=chooser, park=park, form=form)
        return context

    def post(self, request):
        _chooser, park = self.park()
        form = AccountPlanForm(request.POST, accounts=plan_of(park.pk).accounts)
        if not form.is_valid():
            messages.error(
                request, _("Plan comptable non enregistré : vérifiez les comptes.")
            )
            return self.render_to_response(self.get_context_data(form=form))
        changed = save_account_plan(
            park=park, accounts=form.accounts(), actor=request.user
        )
        messages.success(
            request,
            _("Plan comptable enregistré (%(count)d compte(s) modifié(s)).")
            % {"count": len(changed)},
        )
        return redirect(f"{request.path}?park={park.pk}")


class JournalExportView(ManagerRequiredMixin, TemplateView):
    """Up to a month, the file streams at once; longer, a task builds it."""

    template_name = "backoffice/accounting/exports.html"
    section = "accounting"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or JournalExportForm(organization=self.organization)
        jobs = list(exports_of(self.organization.pk)[:20])
        context.update(
            form=form,
            jobs=jobs,
            busy=any(
                job.status in (ExportStatus.PENDING, ExportStatus.RUNNING)
                for job in jobs
            ),
            stream_max_days=STREAM_MAX_DAYS,
        )
        return context

    def post(self, request):
        form = JournalExportForm(request.POST, organization=self.organization)
        if not form.is_valid():
            messages.error(request, _("Export non lancé : vérifiez la période."))
            return self.render_to_response(self.get_context_data(form=form))
        park = form.cleaned_data["park"]
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        fmt = form.cleaned_data["format"]
        if (end - start).days >= STREAM_MAX_DAYS:
            try:
                request_export(
                    park=park,
                    date_from=start,
                    date_to=end,
                    fmt=fmt,
                    requested_by=request.user,
                )
            except AccountingError as exc:
                messages.error(request, exc.message)
                return redirect("backoffice:accounting_exports")
            messages.success(
                request,
                _("Export en préparation : téléchargeable ici dès qu'il est prêt."),
            )
            return redirect("backoffice:accounting_exports")
        entries = period_entries(park=park, date_from=start, date_to=end)
        filename = export_filename(park, fmt, start, end)
        if fmt == ExportFormat.XLSX:
            # A workbook is a zip: built in a temporary file, then streamed.
            spool = tempfile.TemporaryFile()
            write_export(fmt, entries, spool)
            spool.seek(0)
            return FileResponse(
                spool,
                as_attachment=True,
                filename=filename,
                content_type=CONTENT_TYPES[fmt],
            )
        response = StreamingHttpResponse(
            stream_chunks(fmt, entries), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class JournalExportDownloadView(ManagerRequiredMixin, View):
    def get(self, request, public_id):
        job = get_object_or_404(
            exports_of(self.organization.pk).filter(status=ExportStatus.READY),
            public_id=public_id,
        )
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=CONTENT_TYPES[job.format],
        )
