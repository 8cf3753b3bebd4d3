from django.contrib import admin

from .models import Client, CustomerGroup


@admin.register(CustomerGroup)
class CustomerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "private_shop", "online_invoices"]
    list_filter = ["organization", "private_shop", "online_invoices"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "company_name", "email", "organization"]
    list_filter = ["organization", "profile", "groups"]
    search_fields = ["last_name", "first_name", "company_name", "email", "city"]
    filter_horizontal = ["groups"]
    raw_id_fields = ["user"]
