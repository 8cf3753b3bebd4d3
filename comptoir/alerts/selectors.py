"""Reads of alerts, scoped to an organization."""

from django.db.models import QuerySet

from .models import Alert, AlertStatus


def alerts_of(organization_id: int) -> QuerySet[Alert]:
    return Alert.objects.filter(organization_id=organization_id).select_related(
        "sale", "client", "park", "closed_by"
    )


def open_alert_count(organization_id: int) -> int:
    return Alert.objects.filter(
        organization_id=organization_id, status=AlertStatus.OPEN
    ).count()
