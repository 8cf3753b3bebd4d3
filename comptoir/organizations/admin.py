from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Organization, Park, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ["name", "public_code", "invoice_series", "organization"]
    list_filter = ["organization"]


@admin.register(User)
class ComptoirUserAdmin(UserAdmin):
    list_display = ["username", "email", "kind", "role", "organization", "is_active"]
    list_filter = ["kind", "role", "organization"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Comptoir", {"fields": ["kind", "organization", "role"]}),
    ]
