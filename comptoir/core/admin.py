from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent, Counter


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "object_type", "object_id", "actor", "organization"]
    list_filter = ["organization", "action"]

    def has_change_permission(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> bool:
        return False


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    """Read-only: numbers are taken by the services, under a row lock."""

    list_display = ["park", "key", "last_value"]
    list_filter = ["park"]

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
