from django.contrib import admin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["message", "status", "park", "created_at", "closed_at"]
    list_filter = ["organization", "status", "kind"]
    raw_id_fields = ["sale", "client"]
