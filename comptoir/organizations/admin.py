from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from .models import Organization, Park, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ["name", "public_code", "invoice_series", "organization"]
    list_filter = ["organization"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Park | None = None
    ) -> list[str]:
        # Numbers already issued carry the series code: it never changes after.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.invoices.exists():
            fields.append("invoice_series")
        return fields


@admin.register(User)
class ComptoirUserAdmin(UserAdmin):
    list_display = ["username", "email", "kind", "role", "organization", "is_active"]
    list_filter = ["kind", "role", "organization"]
    fieldsets = [
        # Django's UserAdmin always defines its fieldsets (typed optional).
        *cast("tuple[Any, ...]", UserAdmin.fieldsets),
        ("Comptoir", {"fields": ["kind", "organization", "role"]}),
    ]
