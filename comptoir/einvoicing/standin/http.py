"""The stand-in's HTTP routes: the AFNOR XP Z12-013 ones Comptoir calls."""

from __future__ import annotations

import hashlib
import json
import logging
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, urlparse

from .checks import SYNTAXES, public

if TYPE_CHECKING:
    from .platform import StandInPlatform

logger = logging.getLogger(__name__)


class Handler(BaseHTTPRequestHandler):
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
            info = json.loads(cast(bytes, parts["flowInfo"].get_payload(decode=True)))
        except ValueError:
            self._error(400, "flowInfo is not JSON")
            return
        if info.get("flowSyntax") not in SYNTAXES:
            self._error(400, "flowSyntax is required (CII, UBL, Factur-X, CDAR, FRR)")
            return
        content = cast("bytes | None", parts["file"].get_payload(decode=True)) or b""
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
        ordered = [shown for _, shown in sorted(results, key=lambda r: r[0])]
        self._send(200, {"limit": limit, "filters": where, "results": ordered[:limit]})

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
