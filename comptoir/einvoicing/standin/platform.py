"""The stand-in platform's state and the knobs the tests turn."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import requests
from facturx import get_xml_from_pdf
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from .. import cdar
from .checks import (
    check_report,
    factur_x_validator,
    iso,
    now,
    public,
    sign,
)
from .checks import flow_type as default_flow_type
from .http import Handler

logger = logging.getLogger(__name__)

DEFAULT_PLAN = ["202", "203", "204", "205"]


class StandInPlatform:
    """The platform's state and the knobs the tests turn."""

    def __init__(
        self,
        *,
        token: str = "",
        validate: bool = True,
        state_path: Path | None = None,
    ) -> None:
        self.token = token
        self.validate = validate
        self.state_path = state_path
        self.lock = threading.RLock()
        self.flows: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, list[tuple[str, str]]] = {}
        self.plan = list(DEFAULT_PLAN)
        self.refusals: dict[str, str] = {}  # buyer SIREN -> reason
        self.unregistered: set[str] = set()
        self.directory_requests = 0
        self.fail_next = 0  # answer 503 to that many submissions
        self.drop_next = 0  # store, then drop the connection without answering
        self.faults_only_for = ""  # a flow syntax: fail or drop only those
        self.hang_next = 0  # store, then keep the caller waiting (to kill it)
        self.release = threading.Event()
        self.webhook_url = ""
        self.webhook_secret = ""
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None
        self._load()

    # -- life --------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.server is not None, "stand-in not started"
        # An AF_INET server: its address is a (host, port) pair of str and int.
        host, port = cast("tuple[str, int]", self.server.server_address[:2])
        return f"http://{host}:{port}"

    def start(self) -> StandInPlatform:
        platform = self

        class BoundHandler(Handler):
            standin = platform

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), BoundHandler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="pa-standin", daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def run_timer(self, every: float) -> None:
        """Advance every document one status every `every` seconds (demo)."""

        def loop() -> None:
            while self.server is not None:
                time.sleep(every)
                try:
                    self.advance()
                except Exception:  # noqa: BLE001 — the demo timer must not die
                    logger.exception("stand-in timer")

        threading.Thread(target=loop, name="pa-standin-timer", daemon=True).start()

    # -- what the tests read and turn -------------------------------------

    def submitted(self, *, syntax: str | None = None) -> list[dict[str, Any]]:
        """Flows received from Comptoir (direction Out), oldest first."""
        with self.lock:
            return [
                f
                for f in self.flows.values()
                if f["flowDirection"] == "Out"
                and (syntax is None or f["flowSyntax"] == syntax)
            ]

    def flow_for(self, tracking_id: str) -> dict[str, Any]:
        found = [f for f in self.submitted() if f["trackingId"] == tracking_id]
        assert len(found) == 1, f"{len(found)} flows for {tracking_id}"
        return found[0]

    def advance(self, steps: int = 1) -> int:
        """Move every accepted document `steps` statuses along its plan."""
        moved = 0
        for _ in range(steps):
            with self.lock:
                due = [(fid, plan.pop(0)) for fid, plan in self.plans.items() if plan]
            for flow_id, (code, reason) in due:
                self.emit(flow_id, code, reason=reason)
                moved += 1
        return moved

    def emit(
        self,
        flow_id: str,
        code: str,
        *,
        at: dt.datetime | None = None,
        reason: str = "",
    ) -> dict[str, Any]:
        """Publish one life-cycle status (a CDAR flow) about an invoice flow."""
        with self.lock:
            invoice = self.flows[flow_id]
            message = cdar.StatusMessage(
                invoice_number=invoice.get("invoiceNumber", ""),
                invoice_date=dt.date.today(),
                invoice_type_code=invoice.get("typeCode", "380"),
                status_code=code,
                issued_at=at or now(),
                reason=reason,
            )
            lifecycle = self._store(
                content=cdar.build(message),
                info={
                    "trackingId": invoice["trackingId"],
                    "name": f"{code}.xml",
                    "flowSyntax": "CDAR",
                    "processingRule": "NotApplicable",
                },
                direction="In",
                flow_type="CustomerInvoiceLC",
            )
            lifecycle["ack"] = {"status": "Ok", "details": []}
            self._save()
        self._notify(lifecycle)
        return lifecycle

    # -- behaviour behind the routes --------------------------------------

    def receive(self, content: bytes, info: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            flow = self._store(content=content, info=info, direction="Out")
            flow["_pending"] = []
            details = self._check(flow, content)
            if details:
                flow["ack"] = {"status": "Error", "details": details}
                flow["_pending"].append(
                    (flow["flowId"], "213", details[0]["reasonMessage"], None)
                )
            else:
                flow["ack"] = {"status": "Ok", "details": []}
                self._accepted(flow)
            self._save()
            return flow

    def _accepted(self, flow: dict[str, Any]) -> None:
        if flow["flowSyntax"] in {"Factur-X", "CII", "UBL"}:
            plan = [(code, "") for code in self.plan]
            refusal = self.refusals.get(flow.get("buyerSiren", ""))
            if refusal is not None:
                plan = [("202", ""), ("203", ""), ("210", refusal)]
            # Déposée at once; the rest when the tests (or the timer) say.
            self.plans[flow["flowId"]] = plan
            flow["_pending"].append((flow["flowId"], "200", "", None))
        elif flow["flowSyntax"] == "CDAR":
            # A status Comptoir sends (Encaissée): it joins the invoice's list.
            message = cdar.parse(flow["_content"])
            for invoice in list(self.flows.values()):
                if (
                    invoice["flowDirection"] == "Out"
                    and invoice["flowSyntax"] != "CDAR"
                    and invoice.get("invoiceNumber") == message.invoice_number
                ):
                    flow["referencedFlowId"] = invoice["flowId"]
                    flow["statusCode"] = message.status_code
                    flow["amount"] = str(message.amount or "")
                    flow["_pending"].append(
                        (invoice["flowId"], message.status_code, "", message.issued_at)
                    )

    def flush(self, flow_id: str) -> None:
        """Publish the statuses a submission caused, once it was answered."""
        with self.lock:
            pending = self.flows[flow_id].pop("_pending", [])
        for target, code, reason, at in pending:
            self.emit(target, code, at=at, reason=reason)

    def _store(
        self,
        *,
        content: bytes,
        info: dict[str, Any],
        direction: str,
        flow_type: str = "",
    ) -> dict[str, Any]:
        stamp = now()
        flow_id = uuid.uuid4().hex
        flow: dict[str, Any] = {
            "flowId": flow_id,
            "trackingId": str(info.get("trackingId") or ""),
            "name": str(info.get("name") or ""),
            "flowSyntax": info.get("flowSyntax"),
            "flowProfile": info.get("flowProfile"),
            "processingRule": info.get("processingRule"),
            "flowType": flow_type or default_flow_type(info),
            "flowDirection": direction,
            "submittedAt": iso(stamp),
            "updatedAt": iso(stamp),
            "sha256": hashlib.sha256(content).hexdigest(),
            "_content": content,
            "seq": len(self.flows) + 1,
        }
        self.flows[flow_id] = flow
        return flow

    def _check(self, flow: dict[str, Any], content: bytes) -> list[dict[str, str]]:
        """The reasons to reject a flow, empty when it is accepted."""

        def reject(item: str, code: str, text: str) -> list[dict[str, str]]:
            return [
                {
                    "level": "Error",
                    "item": item,
                    "reasonCode": code,
                    "reasonMessage": text,
                }
            ]

        syntax = flow["flowSyntax"]
        if syntax == "Factur-X":
            try:
                _name, xml = get_xml_from_pdf(content, check_xsd=False)
            except Exception as exc:  # noqa: BLE001 — any unreadable file
                return reject("file", "REJ_SEMAN", f"PDF illisible : {exc}")
            if not xml:
                return reject("file", "REJ_SEMAN", "Aucun XML Factur-X dans le PDF.")
            self._read_invoice(flow, xml)
            if self.validate:
                report = factur_x_validator().check(xml, french=True)
                if report.errors:
                    first = report.errors[0]
                    return reject(
                        first.rule, "REJ_SEMAN", f"{first.rule} : {first.text}"
                    )
            return []
        if syntax == "CDAR":
            try:
                cdar.parse(content)
            except ValueError as exc:
                return reject("file", "REJ_SEMAN", str(exc))
            return []
        if syntax == "FRR":
            return check_report(content)
        return reject("flowSyntax", "REJ_SYNTAX", f"Syntaxe non acceptée : {syntax}")

    @staticmethod
    def _read_invoice(flow: dict[str, Any], xml: bytes) -> None:
        root = etree.fromstring(xml)

        def text(path: str) -> str:
            return root.xpath(f"string({path})")

        flow["invoiceNumber"] = text(
            "//*[local-name()='ExchangedDocument']/*[local-name()='ID']"
        )
        flow["typeCode"] = text(
            "//*[local-name()='ExchangedDocument']/*[local-name()='TypeCode']"
        )
        flow["buyerSiren"] = text(
            "//*[local-name()='BuyerTradeParty']/*[local-name()='SpecifiedLegalOrganization']/*[local-name()='ID']"
        )[:9]
        flow["referencedInvoice"] = text(
            "//*[local-name()='InvoiceReferencedDocument']/*[local-name()='IssuerAssignedID']"
        )

    # -- webhook and persistence ------------------------------------------

    def _notify(self, lifecycle: dict[str, Any]) -> None:
        if not self.webhook_url:
            return
        body = json.dumps({"flowInfo": public(lifecycle)}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Event-Id": lifecycle["flowId"],
            "X-Signature-256": sign(self.webhook_secret, body),
        }
        try:
            requests.post(self.webhook_url, data=body, headers=headers, timeout=10)
        except requests.RequestException:
            logger.warning("stand-in: webhook %s unreachable", self.webhook_url)

    def _save(self) -> None:
        if self.state_path is None:
            return
        data = {
            "flows": {
                fid: {
                    **{k: v for k, v in f.items() if not k.startswith("_")},
                    "_content": base64.b64encode(f["_content"]).decode(),
                }
                for fid, f in self.flows.items()
            },
            "plans": self.plans,
            "webhook": [self.webhook_url, self.webhook_secret],
        }
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(self.state_path)

    def _load(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        data = json.loads(self.state_path.read_text())
        for fid, flow in data.get("flows", {}).items():
            flow["_content"] = base64.b64decode(flow["_content"])
            self.flows[fid] = flow
        self.plans = {
            k: [tuple(s) for s in v] for k, v in data.get("plans", {}).items()
        }
        self.webhook_url, self.webhook_secret = data.get("webhook") or ["", ""]
