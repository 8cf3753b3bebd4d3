from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import (
    Booking,
    CounterReceipt,
    GiftVoucher,
    Payment,
    Sale,
    SaleLine,
    Ticket,
)


class ReadOnlyInline(admin.TabularInline):
    """What was sold and paid is changed by refunds and credit notes only."""

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

    def has_delete_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return False


class SaleLineInline(ReadOnlyInline):
    model = SaleLine


class PaymentInline(ReadOnlyInline):
    model = Payment


@admin.register(Sale)
class SaleAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "park",
        "client",
        "channel",
        "status",
        "total_incl",
        "paid_at",
    ]
    list_filter = ["organization", "park", "channel", "status"]
    search_fields = ["number", "client__last_name", "client__company_name"]
    raw_id_fields = ["client"]
    inlines = [SaleLineInline, PaymentInline]


admin.site.register(Ticket)
admin.site.register(Booking)
admin.site.register(GiftVoucher)
admin.site.register(CounterReceipt)
