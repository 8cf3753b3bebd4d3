from django.contrib import admin

from .models import (
    Booking,
    CounterReceipt,
    GiftVoucher,
    Payment,
    Sale,
    SaleLine,
    Ticket,
)


class SaleLineInline(admin.TabularInline):
    model = SaleLine
    extra = 0


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    raw_id_fields = ["gift_voucher"]


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
