"""Client of the AFNOR XP Z12-013 APIs of an approved platform (PA).

Flow Service: `POST /v1/flows` (multipart: `file` + `flowInfo` JSON),
`GET /v1/flows/{flowId}?docType=Metadata|Original`, `POST /v1/flows/search`
(`{"limit", "where": {...}}`), `GET /v1/healthcheck`.
Directory Service: `POST /v1/directory-line/search`, `GET /v1/healthcheck`.
What was checked against the published standard and what was assumed is
listed in docs/einvoicing.md.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import requests
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .. import cdar
from .base import (
    ConfigurationError,
    DirectoryResult,
    FlowStatus,
    LifecycleEvent,
    PlatformError,
    PlatformRefused,
    SubmittedFlow,
)

TIMEOUT = (5, 30)  # connect, read (seconds)
LIFECYCLE_FLOW_TYPE = "CustomerInvoiceLC"


class AfnorPlatform:
    """One PA, reached with a bearer token."""

    def __init__(self, *, base_url: str, directory_url: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.directory_url = directory_url.rstrip("/")
        self.session = requests.Session()
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"
        self.session.headers["Accept"] = "application/json"

    # -- transport ---------------------------------------------------------

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            response = self.session.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise PlatformError(
                _("Plateforme injoignable : %(error)s") % {"error": type(exc).__name__}
            ) from exc
        if response.status_code in (401, 403):
            raise ConfigurationError(
                _("La plateforme refuse les identifiants (HTTP %(code)s).")
                % {"code": response.status_code}
            )
        if response.status_code in (408, 429) or response.status_code >= 500:
            raise PlatformError(
                _("La plateforme est indisponible (HTTP %(code)s).")
                % {"code": response.status_code}
            )
        if response.status_code >= 400:
            raise PlatformRefused(
                _("La plateforme refuse la demande (HTTP %(code)s) : %(detail)s")
                % {"code": response.status_code, "detail": _error_text(response)}
            )
        return response

    def _json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise PlatformError(_("Réponse illisible de la plateforme.")) from exc

    # -- interface ---------------------------------------------------------

    def healthcheck(self) -> str:
        self._request("GET", f"{self.base_url}/v1/healthcheck")
        if self.directory_url != self.base_url:
            self._request("GET", f"{self.directory_url}/v1/healthcheck")
        return _("Flow Service et Directory Service joignables.")

    def submit(
        self,
        *,
        content: bytes,
        name: str,
        syntax: str,
        tracking_id: str,
        profile: str = "",
        processing_rule: str = "",
    ) -> SubmittedFlow:
        flow_info: dict[str, str] = {
            "trackingId": tracking_id,
            "name": name,
            "flowSyntax": syntax,
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        if profile:
            flow_info["flowProfile"] = profile
        if processing_rule:
            flow_info["processingRule"] = processing_rule
        response = self._request(
            "POST",
            f"{self.base_url}/v1/flows",
            files={
                "flowInfo": (None, json.dumps(flow_info), "application/json"),
                "file": (name, content, "application/octet-stream"),
            },
        )
        return _flow(self._json(response), tracking_id)

    def find(self, *, tracking_id: str) -> SubmittedFlow | None:
        results = self._search(
            {"trackingId": tracking_id, "flowDirection": ["Out"]}, limit=1
        )
        return _flow(results[0], tracking_id) if results else None

    def status(self, *, flow_id: str, tracking_id: str) -> FlowStatus:
        metadata = self._json(
            self._request(
                "GET",
                f"{self.base_url}/v1/flows/{flow_id}",
                params={"docType": "Metadata"},
            )
        )
        ack = metadata.get("acknowledgement") or {}
        ack_status = ack.get("status") or "Pending"
        reason = "; ".join(
            str(detail.get("reasonMessage") or detail.get("reasonCode") or "")
            for detail in ack.get("details") or []
        )
        events: list[LifecycleEvent] = []
        for lifecycle in self._search(
            {
                "trackingId": tracking_id,
                "flowType": [LIFECYCLE_FLOW_TYPE],
                "flowDirection": ["In"],
            },
            limit=100,
        ):
            original = self._request(
                "GET",
                f"{self.base_url}/v1/flows/{lifecycle['flowId']}",
                params={"docType": "Original"},
            )
            try:
                message = cdar.parse(original.content)
            except ValueError as exc:
                raise PlatformError(str(exc)) from exc
            events.append(
                LifecycleEvent(
                    code=message.status_code,
                    occurred_at=message.issued_at,
                    reason=message.reason,
                )
            )
        return FlowStatus(ack=ack_status, reason=reason, events=events)

    def lookup(self, *, siren: str) -> DirectoryResult:
        body = {"filters": {"siren": {"op": "strict", "value": siren}}, "limit": 10}
        data = self._json(
            self._request(
                "POST", f"{self.directory_url}/v1/directory-line/search", json=body
            )
        )
        for line in data.get("results") or []:
            if line.get("addressingIdentifier"):
                platform = line.get("platform") or {}
                legal_unit = line.get("legalUnit") or {}
                return DirectoryResult(
                    siren=siren,
                    found=True,
                    addressing_identifier=line["addressingIdentifier"],
                    platform=str(
                        platform.get("name") or platform.get("registrationNumber") or ""
                    ),
                    name=str(legal_unit.get("businessName") or ""),
                )
        return DirectoryResult(siren=siren, found=False)

    # -- helpers -----------------------------------------------------------

    def _search(self, where: dict, *, limit: int) -> list[dict]:
        data = self._json(
            self._request(
                "POST",
                f"{self.base_url}/v1/flows/search",
                json={"limit": limit, "where": where},
            )
        )
        return list(data.get("results") or [])


def _flow(data: dict, tracking_id: str) -> SubmittedFlow:
    flow_id = data.get("flowId")
    if not flow_id:
        raise PlatformError(_("La plateforme n'a pas renvoyé d'identifiant de flux."))
    submitted = data.get("submittedAt")
    return SubmittedFlow(
        flow_id=str(flow_id),
        tracking_id=str(data.get("trackingId") or tracking_id),
        submitted_at=parse_datetime(submitted) if submitted else None,
    )


def _error_text(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict):
        return str(data.get("message") or data.get("details") or data)[:500]
    return str(data)[:500]
