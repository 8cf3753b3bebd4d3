"""Invoices and credit notes for the accountant: list, files, exports."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Mapping

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.customers.selectors import missing_invoice_fields
from comptoir.invoicing.exports import csv_lines, export_rows, xlsx_bytes
from comptoir.invoicing.services.bulk import sales_missing_invoice
from comptoir.invoicing.services.documents import pdf_bytes

from .. import runs
from ..forms.documents import DocumentFilterForm
from ..mixins import ManagerRequiredMixin
from ..queries import document_totals, filter_documents

DOCUMENTS_PER_PAGE = 50
# What a row of the list shows: not the snapshot (the whole document as
# JSON, read only to render a PDF), nor the client beyond its id.
LIST_COLUMNS = [
    "public_id",
    "number",
    "kind",
    "issued_at",
    "sale_number",
    "buyer_name",
    "client_id",
    "total_excl",
    "total_vat",
    "total_incl",
    "park__time_zone",
    "park__public_code",
    "sale__public_id",
    "credited_invoice__number",
]
MAX_ZIP_DOCUMENTS = 2000
BATCH_SIZE = 20
RUN_KEY = "backoffice_missing_invoices"


class FilteredDocumentsMixin(ManagerRequiredMixin):
    section = "invoices"

    def filter_form(self) -> DocumentFilterForm:
        data: Mapping[str, str] = self.request.GET
        if not data:
            # Opens on the current month: all-time totals read every document
            # (bench/DATA.md); clearing the dates still shows everything.
            today = timezone.localdate()
            data = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
        return DocumentFilterForm(data, organization=self.organization)

    def documents(self, form: DocumentFilterForm):
        """The filtered documents; none while the filters are invalid, so an
        export never silently covers more than what was asked for."""
        documents = filter_documents(
            self.organization.pk, form.cleaned_data if form.is_valid() else {}
        )
        return documents.none() if form.is_bound and not form.is_valid() else documents

    def file_stem(self, form: DocumentFilterForm, prefix: str) -> str:
        data = form.cleaned_data if form.is_valid() else {}
        parts = [prefix]
        if data.get("start"):
            parts.append(data["start"].strftime("%Y%m%d"))
        if data.get("end"):
            parts.append(data["end"].strftime("%Y%m%d"))
        if len(parts) == 1:
            parts.append(timezone.localdate().strftime("%Y%m%d"))
        return "-".join(parts)


class DocumentListView(FilteredDocumentsMixin, TemplateView):
    template_name = "backoffice/invoices/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filter_form()
        documents = self.documents(form)
        # The rows show columns of the documents; their snapshots (the whole
        # document as JSON) are only read to render a PDF.
        page = Paginator(
            documents.select_related(None)
            .select_related("park", "sale", "credited_invoice")
            .only(*LIST_COLUMNS),
            DOCUMENTS_PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page=page,
            totals=document_totals(documents),
            count=page.paginator.count,
            query=query.urlencode(),
        )
        return context


class DocumentCsvExportView(FilteredDocumentsMixin, View):
    def get(self, request):
        form = self.filter_form()
        response = StreamingHttpResponse(
            csv_lines(export_rows(self.documents(form))),
            content_type="text/csv; charset=utf-8",
        )
        name = self.file_stem(form, "export-comptable")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


class DocumentXlsxExportView(FilteredDocumentsMixin, View):
    def get(self, request):
        form = self.filter_form()
        response = HttpResponse(
            xlsx_bytes(export_rows(self.documents(form))),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        name = self.file_stem(form, "export-comptable")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


class DocumentZipView(FilteredDocumentsMixin, View):
    """Every listed document's PDF in one ZIP (rendered now if need be)."""

    def get(self, request):
        form = self.filter_form()
        documents = self.documents(form)
        if documents.count() > MAX_ZIP_DOCUMENTS:
            messages.error(
                request,
                _("Plus de %(max)d documents : réduisez la période pour le ZIP.")
                % {"max": MAX_ZIP_DOCUMENTS},
            )
            return redirect(
                f"{reverse('backoffice:invoices')}?{request.GET.urlencode()}"
            )
        archive = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for document in documents.order_by("issued_at", "pk"):
                folder = _("avoirs") if document.is_credit_note else _("factures")
                zf.writestr(f"{folder}/{document.filename}", pdf_bytes(document))
        archive.seek(0)
        response = StreamingHttpResponse(
            _ReadAndClose(archive), content_type="application/zip"
        )
        name = self.file_stem(form, "factures")
        response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
        return response


class _ReadAndClose:
    """A temporary file streamed in chunks, closed with the response."""

    def __init__(self, file, size: int = 64 * 1024):
        self.file, self.size = file, size

    def __iter__(self):
        return iter(lambda: self.file.read(self.size), b"")

    def close(self) -> None:
        self.file.close()


class MissingInvoicesView(ManagerRequiredMixin, TemplateView):
    """Issue the missing invoices in batches of BATCH_SIZE, showing progress.

    Each POST processes one batch and redirects here; the page shows the
    progress and, with the small static script, submits the next batch by
    itself (without JavaScript, a "Continuer" button does it).
    """

    template_name = "backoffice/invoices/missing.html"
    section = "invoices"

    def run(self) -> dict | None:
        run = self.request.session.get(RUN_KEY)
        if run and run.get("organization") == self.organization.pk:
            return run
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run()
        context["run"] = run
        if run:
            context.update(runs.progress(run))
        else:
            candidates = sales_missing_invoice(self.organization.pk).select_related(
                "client", "park"
            )
            context.update(
                candidate_count=candidates.count(),
                preview=[
                    (sale, missing_invoice_fields(sale.client, sale.park))
                    for sale in candidates[:50]
                ],
            )
        return context

    def post(self, request):
        action = request.POST.get("action")
        run = self.run()
        if action == "reset" or (action == "continue" and run is None):
            request.session.pop(RUN_KEY, None)
            return redirect("backoffice:missing_invoices")
        if action == "start" or run is None:
            run = runs.new_run(self.organization)
        request.session[RUN_KEY] = runs.advance(
            run,
            organization=self.organization,
            actor=request.user,
            batch_size=BATCH_SIZE,
        )
        return redirect("backoffice:missing_invoices")
