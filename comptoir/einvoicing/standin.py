"""A local approved platform (PA), for the tests and the demo only.

A real HTTP server on 127.0.0.1 (port chosen by the system) answering the
same AFNOR XP Z12-013 routes as `platforms/afnor.py` calls. It checks each
Factur-X it receives with the rules the test-suite uses
(comptoir/invoicing/facturx_rules.py: XSD, CEN EN 16931, Factur-X, BR-FR),
rejects an invalid one with the reason, and moves accepted documents through
life-cycle statuses when told to (`advance`, `emit`) or on a timer (demo).
Never used in production: see checks.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from lxml import etree

from . import cdar

logger = logging.getLogger(__name__)

DEFAULT_PLAN = ["202", "203", "204", "205"]
SYNTAXES = {"CII", "UBL", "Factur-X", "CDAR", "FRR"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def sign(secret: str, body: bytes) -> str:
    """Signature of a webhook body (HMAC-SHA256, hex), header X-Signature-256."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


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
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StandInPlatform:
        platform = self

        class Handler(_Handler):
            standin = platform

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
                issued_at=at or _now(),
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
        now = _now()
        flow_id = uuid.uuid4().hex
        flow: dict[str, Any] = {
            "flowId": flow_id,
            "trackingId": str(info.get("trackingId") or ""),
            "name": str(info.get("name") or ""),
            "flowSyntax": info.get("flowSyntax"),
            "flowProfile": info.get("flowProfile"),
            "processingRule": info.get("processingRule"),
            "flowType": flow_type or _flow_type(info),
            "flowDirection": direction,
            "submittedAt": _iso(now),
            "updatedAt": _iso(now),
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
                from facturx import get_xml_from_pdf

                _name, xml = get_xml_from_pdf(content, check_xsd=False)
            except Exception as exc:  # noqa: BLE001 — any unreadable file
                return reject("file", "REJ_SEMAN", f"PDF illisible : {exc}")
            if not xml:
                return reject("file", "REJ_SEMAN", "Aucun XML Factur-X dans le PDF.")
            self._read_invoice(flow, xml)
            if self.validate:
                report = _validator().check(xml, french=True)
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
            return _check_report(content)
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
        import requests

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


def public(flow: dict[str, Any]) -> dict[str, Any]:
    """A flow as the API shows it (AFNOR `Flow` object)."""
    keys = (
        "flowId",
        "trackingId",
        "name",
        "flowSyntax",
        "flowProfile",
        "processingRule",
        "flowType",
        "flowDirection",
        "submittedAt",
        "updatedAt",
        "sha256",
    )
    shown = {k: flow[k] for k in keys if flow.get(k) is not None}
    shown["acknowledgement"] = flow.get("ack") or {"status": "Pending"}
    return shown


def _flow_type(info: dict[str, Any]) -> str:
    if info.get("flowSyntax") == "CDAR":
        return "CustomerInvoiceLC"
    if info.get("flowSyntax") == "FRR":
        return "MultiFlowReport"
    return "CustomerInvoice"


def _check_report(content: bytes) -> list[dict[str, str]]:
    """An e-report is well formed and each of its lines adds up."""
    from decimal import Decimal, InvalidOperation

    def reject(text: str) -> list[dict[str, str]]:
        return [
            {
                "level": "Error",
                "item": "file",
                "reasonCode": "REJ_SEMAN",
                "reasonMessage": text,
            }
        ]

    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return reject(f"Rapport illisible : {exc}")
    lines = root.xpath("//*[local-name()='Line']")
    for line in lines:
        try:
            base = Decimal(line.get("taxableAmount"))
            vat = Decimal(line.get("taxAmount"))
            total = Decimal(line.get("totalAmount"))
        except (InvalidOperation, TypeError):
            return reject("Montant illisible dans une ligne du rapport.")
        if base + vat != total:
            return reject(f"Ligne du {line.get('date')} : HT + TVA ≠ TTC.")
    return []


_VALIDATOR = None
_VALIDATOR_LOCK = threading.Lock()


def _validator():
    """The Factur-X rules, compiled once per process (a few seconds)."""
    global _VALIDATOR
    with _VALIDATOR_LOCK:
        if _VALIDATOR is None:
            from comptoir.invoicing.facturx_rules import validator

            _VALIDATOR = validator()
        return _VALIDATOR


class _Handler(BaseHTTPRequestHandler):
    standin: StandInPlatform
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        logger.debug("stand-in: " + format, *args)

    # -- plumbing ----------------------------------------------------------

    def _send(
        self,
        status: int,
        payload: Any = None,
        *,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> None:
        body = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(
            status, {"type": "about:blank", "status": status, "message": message}
        )

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length)

    def _authorized(self) -> bool:
        token = self.standin.token
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            self._error(401, "Unauthorized")
            return False
        return True

    # -- routes ------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        if url.path == "/v1/healthcheck":
            self._send(200, {"status": "UP"})
            return
        if not self._authorized():
            return
        if url.path.startswith("/v1/flows/"):
            flow_id = url.path.rsplit("/", 1)[1]
            flow = self.standin.flows.get(flow_id)
            if flow is None:
                self._error(404, "Flow not found")
                return
            doc_type = parse_qs(url.query).get("docType", ["Metadata"])[0]
            if doc_type == "Metadata":
                self._send(200, public(flow))
            else:
                self._send(
                    200, raw=flow["_content"], content_type="application/octet-stream"
                )
            return
        self._error(404, "Not found")

    def do_POST(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        body = self._body()
        if not self._authorized():
            return
        if url.path == "/v1/flows":
            self._submit(body)
        elif url.path == "/v1/flows/search":
            self._search(body)
        elif url.path == "/v1/directory-line/search":
            self._directory(body)
        else:
            self._error(404, "Not found")

    def _submit(self, body: bytes) -> None:
        standin = self.standin
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: "
            + self.headers.get("Content-Type", "").encode()
            + b"\r\n\r\n"
            + body
        )
        parts = (
            {
                part.get_param("name", header="content-disposition"): part
                for part in message.iter_parts()
            }
            if message.is_multipart()
            else {}
        )
        if "file" not in parts or "flowInfo" not in parts:
            self._error(400, "file and flowInfo are required")
            return
        try:
            info = json.loads(parts["flowInfo"].get_payload(decode=True))
        except ValueError:
            self._error(400, "flowInfo is not JSON")
            return
        if info.get("flowSyntax") not in SYNTAXES:
            self._error(400, "flowSyntax is required (CII, UBL, Factur-X, CDAR, FRR)")
            return
        content = parts["file"].get_payload(decode=True) or b""
        concerned = standin.faults_only_for in ("", info.get("flowSyntax"))
        with standin.lock:
            if concerned and standin.fail_next > 0:
                standin.fail_next -= 1
                self._error(503, "Service unavailable")
                return
        if info.get("sha256") and info["sha256"] != hashlib.sha256(content).hexdigest():
            self._error(400, "sha256 does not match the file")
            return
        flow = standin.receive(content, info)
        with standin.lock:
            drop = concerned and standin.drop_next > 0
            if drop:
                standin.drop_next -= 1
        with standin.lock:
            hang = concerned and standin.hang_next > 0
            if hang:
                standin.hang_next -= 1
        if hang:
            standin.release.wait(timeout=60)
        if drop:
            # The platform stored the flow, the answer never reaches Comptoir.
            self.close_connection = True
            self.connection.shutdown(2)
            standin.flush(flow["flowId"])
            return
        shown = public(flow)
        shown.pop("acknowledgement")
        self._send(202, shown)
        standin.flush(flow["flowId"])

    def _search(self, body: bytes) -> None:
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            self._error(400, "body is not JSON")
            return
        where = params.get("where") or {}
        if not where:
            self._error(400, "where: at least one criterion is required")
            return
        limit = int(params.get("limit") or 25)
        results = []
        with self.standin.lock:
            for flow in self.standin.flows.values():
                if "trackingId" in where and flow["trackingId"] != where["trackingId"]:
                    continue
                if "flowType" in where and flow["flowType"] not in where["flowType"]:
                    continue
                if (
                    "flowDirection" in where
                    and flow["flowDirection"] not in where["flowDirection"]
                ):
                    continue
                results.append((flow.get("seq", 0), public(flow)))
        results = [shown for _, shown in sorted(results, key=lambda r: r[0])]
        self._send(200, {"limit": limit, "filters": where, "results": results[:limit]})

    def _directory(self, body: bytes) -> None:
        try:
            params = json.loads(body or b"{}")
            siren = str(params["filters"]["siren"]["value"])
        except (ValueError, KeyError, TypeError):
            self._error(400, "filters.siren.value is required")
            return
        with self.standin.lock:
            self.standin.directory_requests += 1
            registered = siren not in self.standin.unregistered
        results = []
        if registered:
            results.append(
                {
                    "addressingIdentifier": siren,
                    "siren": siren,
                    "platform": {
                        "name": "PA de démonstration",
                        "platformStatus": "Enabled",
                    },
                    "legalUnit": {"businessName": f"Entreprise {siren}"},
                }
            )
        self._send(200, {"totalNumberOfResults": len(results), "results": results})


_LOCAL: StandInPlatform | None = None
_LOCAL_LOCK = threading.Lock()


def local_standin() -> StandInPlatform:
    """The development installation's stand-in, started on first use in this
    process; its flows persist in var/ so the site and `load_demo` share them."""
    global _LOCAL
    from django.conf import settings

    with _LOCAL_LOCK:
        if _LOCAL is None:
            path = Path(settings.VAR_DIR) / "pa-standin.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            _LOCAL = StandInPlatform(state_path=path).start()
            _LOCAL.refusals.update(getattr(settings, "EINVOICING_STANDIN_REFUSALS", {}))
            _LOCAL.run_timer(float(getattr(settings, "EINVOICING_STANDIN_TICK", 20)))
        return _LOCAL
