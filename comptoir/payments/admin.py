"""Read-only views of the payments domain for platform administrators.

Keys are changed in the back office ("Paiement en ligne"), where every change
is audited; the admin never shows a secret.
"""

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import CheckoutSession, ProviderAccount, ProviderEvent, ProviderRefund


class ReadOnlyAdmin(admin.ModelAdmin):
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


@admin.register(ProviderAccount)
class ProviderAccountAdmin(ReadOnlyAdmin):
    list_display = ["organization", "provider", "publishable_key", "check_ok"]
    exclude = ["secret_key", "webhook_secret"]


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "organization",
        "sale",
        "provider",
        "event_type",
        "outcome",
        "amount",
    ]
    list_filter = ["organization", "provider", "outcome"]
    search_fields = ["event_id", "reference"]


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "sale", "provider", "status", "expires_at"]
    list_filter = ["provider", "status"]


@admin.register(ProviderRefund)
class ProviderRefundAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "sale", "provider", "amount", "status"]
    list_filter = ["provider", "status"]
