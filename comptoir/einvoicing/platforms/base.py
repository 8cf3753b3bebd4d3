"""What every PA client returns and raises: errors, flows, statuses, and the
`Platform` protocol the rest of the app calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol


class PlatformError(Exception):
    """The PA could not be reached or answered unexpectedly: try again later."""

    retryable = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlatformRefused(PlatformError):
    """The PA refused the content itself: the same flow would be refused again."""

    retryable = False


class ConfigurationError(PlatformError):
    """Wrong address or credentials: retried once an operator fixed them."""


class NotConfigured(ConfigurationError):
    """E-invoicing is off or lacks its address."""


@dataclass(frozen=True)
class SubmittedFlow:
    flow_id: str
    tracking_id: str
    submitted_at: dt.datetime | None = None


@dataclass(frozen=True)
class LifecycleEvent:
    code: str
    occurred_at: dt.datetime
    reason: str = ""


@dataclass(frozen=True)
class FlowStatus:
    """A flow's acknowledgement (Pending / Ok / Error) and its statuses."""

    ack: str
    reason: str = ""
    events: list[LifecycleEvent] = field(default_factory=list)


@dataclass(frozen=True)
class DirectoryResult:
    siren: str
    found: bool
    addressing_identifier: str = ""
    platform: str = ""
    name: str = ""


class Platform(Protocol):
    def healthcheck(self) -> str: ...

    def submit(
        self,
        *,
        content: bytes,
        name: str,
        syntax: str,
        tracking_id: str,
        profile: str = "",
        processing_rule: str = "",
    ) -> SubmittedFlow: ...

    def find(self, *, tracking_id: str) -> SubmittedFlow | None: ...

    def status(self, *, flow_id: str, tracking_id: str) -> FlowStatus: ...

    def lookup(self, *, siren: str) -> DirectoryResult: ...
