from django.contrib import admin

from .models import GroupPrice, Product


class GroupPriceInline(admin.TabularInline):
    model = GroupPrice
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
        "active",
    ]
    list_filter = ["organization", "park", "kind", "public", "active"]
    inlines = [GroupPriceInline]
