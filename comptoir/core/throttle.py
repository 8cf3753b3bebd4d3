"""Counting attempts in the database, shared by every web process.

Each counted attempt is an audit event (action `throttle.<scope>`), keyed by
a digest of what is counted (an address, an account), so the trail says who
was throttled without storing the email in clear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils import timezone

from .models import AuditEvent


def allow(
    *,
    scope: str,
    key: str,
    limit: int,
    window: dt.timedelta,
    organization: Any = None,
) -> bool:
    """Count one attempt under `key`; False when `limit` were counted in `window`."""
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()
    action = f"throttle.{scope}"
    recent = AuditEvent.objects.filter(
        object_type="throttle",
        object_id=digest,
        action=action,
        at__gte=timezone.now() - window,
    ).count()
    if recent >= limit:
        return False
    AuditEvent.objects.create(
        organization=organization,
        action=action,
        object_type="throttle",
        object_id=digest,
    )
    return True
