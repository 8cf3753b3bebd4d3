from django.contrib import admin

from .models import ClosedDay, GroupPrice, Product, SlotSchedule


class GroupPriceInline(admin.TabularInline):
    model = GroupPrice
    extra = 0


class SlotScheduleInline(admin.StackedInline):
    model = SlotSchedule
    extra = 0


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "price_incl",
        "vat_rate",
        "park",
        "public",
        "sold_at_counter",
        "position",
        "active",
    ]
    list_filter = ["organization", "park", "kind", "public", "active"]
    inlines = [GroupPriceInline, SlotScheduleInline, ClosedDayInline]
