from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import Invoice, InvoiceTaxLine


class InvoiceTaxLineInline(admin.TabularInline):
    model = InvoiceTaxLine
    extra = 0
    can_delete = False

    def has_add_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Read-only: an issued document never changes (corrections: credit notes)."""

    list_display = [
        "number",
        "kind",
        "sale_number",
        "buyer_name",
        "total_incl",
        "issued_at",
    ]
    list_filter = ["organization", "park", "kind", "scope"]
    search_fields = ["number", "sale_number", "buyer_name"]
    inlines = [InvoiceTaxLineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return False
