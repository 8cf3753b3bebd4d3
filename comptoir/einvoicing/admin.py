from django.contrib import admin

from .models import DirectoryEntry, EInvoicingSettings, EReport, Transmission


@admin.register(EInvoicingSettings)
class EInvoicingSettingsAdmin(admin.ModelAdmin):
    list_display = ["organization", "mode", "base_url", "reporting_period"]
    # Secrets are set from the back office only, never shown.
    exclude = ["api_key", "webhook_secret"]


@admin.register(Transmission)
class TransmissionAdmin(admin.ModelAdmin):
    list_display = ["document", "state", "status_code", "attempts", "flow_id"]
    list_filter = ["state", "status_code"]
    readonly_fields = [f.name for f in Transmission._meta.fields]


@admin.register(EReport)
class EReportAdmin(admin.ModelAdmin):
    list_display = ["number", "park", "period_start", "period_end", "state", "sends"]
    readonly_fields = [f.name for f in EReport._meta.fields]


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ["organization", "siren", "found", "addressing_identifier"]
