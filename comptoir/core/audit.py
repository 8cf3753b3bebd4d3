"""Record and read the audit trail of an object."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent
from .rows import insert


def _type(obj: models.Model) -> str:
    return obj._meta.label_lower


def record(
    obj: models.Model,
    action: str,
    *,
    actor: Any = None,
    organization: Any = None,
    data: dict | None = None,
) -> AuditEvent:
    """Write one audit event about `obj`."""
    event = new_event(obj, action, actor=actor, organization=organization, data=data)
    insert(event)
    return event


def new_event(
    obj: models.Model,
    action: str,
    *,
    actor: Any = None,
    organization: Any = None,
    data: dict | None = None,
) -> AuditEvent:
    """The audit event `record` writes, not written yet (to write with other
    rows: `rows.together`)."""
    if organization is None:
        organization = getattr(obj, "organization", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent(
        organization=organization,
        actor=actor,
        action=action,
        object_type=_type(obj),
        object_id=str(obj.pk),
        data=data or {},
    )


def history(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Events about `obj`, newest first."""
    return AuditEvent.objects.filter(
        object_type=_type(obj), object_id=str(obj.pk)
    ).select_related("actor")
