from django.contrib import admin

from .models import AuditEvent, Counter


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "object_type", "object_id", "actor", "organization"]
    list_filter = ["organization", "action"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Counter)
