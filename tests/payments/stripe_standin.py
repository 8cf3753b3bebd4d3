"""A local stand-in for the few Stripe API endpoints Comptoir calls.

It listens on 127.0.0.1 on a free port; the tests point the official SDK at
it (`settings.STRIPE_API_BASE`). Its objects follow Stripe's documented
shapes (Checkout Session, PaymentIntent, Charge, Refund, Event); its
webhooks are signed with Stripe's scheme — header
`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` —
so that `stripe.Webhook.construct_event` verifies them for real.

Endpoints: POST/GET /v1/checkout/sessions[/<id>], POST
/v1/checkout/sessions/<id>/expire, POST/GET /v1/refunds[/<id>], GET
/v1/balance, and a hosted payment page /pay/<session id> a browser can pay on.
Webhooks are queued (`outbox`) and delivered when the test says so
(`deliver`), which is how a test makes "the webhook never came" or "the
webhook came before the browser".
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def decode_form(body: str) -> dict:
    """Stripe's form encoding (`a[b][0][c]=v`) back into nested data."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(node):
        if isinstance(node, dict):
            node = {k: listify(v) for k, v in node.items()}
            if node and all(k.isdigit() for k in node):
                return [node[k] for k in sorted(node, key=int)]
        return node

    return listify(root)


def signature_header(body: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class StripeStandIn:
    def __init__(
        self,
        *,
        secret_key: str = "sk_test_standin_0123456789",
        publishable_key: str = "pk_test_standin_0123456789",
        webhook_secret: str = "whsec_standin_0123456789",
    ):
        self.secret_key = secret_key
        self.publishable_key = publishable_key
        self.webhook_secret = webhook_secret
        self.sessions: dict[str, dict] = {}
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.outbox: list[tuple[str, bytes]] = []  # (event type, body)
        self.idempotent: dict[tuple[str, str], tuple[int, dict]] = {}
        self.calls: list[tuple[str, str, str]] = []  # method, path, idempotency key
        # Test knobs.
        self.refund_mode = "pending"  # pending | succeeded | failed | error
        self.refunds_down = 0  # the next N refund calls drop the connection
        self.lock = threading.RLock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                standin._handle(self, "GET")

            def do_POST(self):
                standin._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> StripeStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # Webhooks.

    def event(self, event_type: str, obj: dict) -> bytes:
        """Queue a webhook event; returns its body."""
        body = json.dumps(
            {
                "id": _id("evt"),
                "object": "event",
                "api_version": API_VERSION,
                "created": int(time.time()),
                "data": {"object": obj},
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                "type": event_type,
            }
        ).encode()
        with self.lock:
            self.outbox.append((event_type, body))
        return body

    def headers_for(self, body: bytes, timestamp: int | None = None) -> dict:
        return {
            "Content-Type": "application/json",
            "Stripe-Signature": signature_header(body, self.webhook_secret, timestamp),
        }

    def take(self) -> list[tuple[str, bytes]]:
        with self.lock:
            events, self.outbox = self.outbox, []
        return events

    def deliver(self, post: Callable[[bytes, dict], object] | str) -> list:
        """Send the queued webhooks, signed, in order: to a URL, or through a
        callable (a Django test client)."""
        results = []
        for _type, body in self.take():
            headers = self.headers_for(body)
            if isinstance(post, str):
                request = urllib.request.Request(
                    post, data=body, headers=headers, method="POST"
                )
                with urllib.request.urlopen(request, timeout=30) as response:
                    results.append(response.status)
            else:
                results.append(post(body, headers))
        return results

    # The hosted payment page's actions.

    def pay(self, session_id: str) -> str:
        """The buyer pays on the hosted page; returns the success URL."""
        with self.lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise ValueError("session not open")
            intent_id, charge_id = _id("pi"), _id("ch")
            amount = session["amount_total"]
            metadata = session.pop("_intent_metadata", {})
            self.charges[charge_id] = {
                "id": charge_id,
                "object": "charge",
                "amount": amount,
                "amount_refunded": 0,
                "currency": "eur",
                "payment_intent": intent_id,
                "refunded": False,
                "status": "succeeded",
                "metadata": metadata,
            }
            self.intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "amount_received": amount,
                "currency": "eur",
                "latest_charge": charge_id,
                "metadata": metadata,
                "status": "succeeded",
            }
            session.update(
                status="complete", payment_status="paid", payment_intent=intent_id
            )
            self.event("checkout.session.completed", _public(session))
            self.event("payment_intent.succeeded", dict(self.intents[intent_id]))
            return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)

    def expire(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise ValueError("session not open")
            session["status"] = "expired"
            self.event("checkout.session.expired", _public(session))
            return _public(session)

    def settle_refund(self, refund_id: str, status: str = "succeeded") -> None:
        """The bank's answer to a pending refund, and its webhooks."""
        with self.lock:
            refund = self.refunds[refund_id]
            refund["status"] = status
            if status == "failed":
                refund["failure_reason"] = "expired_or_canceled_card"
            else:
                charge = self.charges[refund["charge"]]
                charge["amount_refunded"] += refund["amount"]
                charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
            self.event(
                "refund.failed" if status == "failed" else "refund.updated",
                dict(refund),
            )
            if status == "succeeded":
                self.event("charge.refunded", dict(self.charges[refund["charge"]]))

    # HTTP.

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(request.path).path
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode() if length else ""
        if path.startswith("/pay/"):
            return self._page(request, method, path.split("/")[2], body)
        key = request.headers.get("Idempotency-Key", "")
        with self.lock:
            self.calls.append((method, path, key))
            if method == "POST" and path == "/v1/refunds" and self.refunds_down > 0:
                self.refunds_down -= 1
                # Stripe unreachable: the connection drops without an answer.
                request.close_connection = True
                request.connection.shutdown(2)
                return None
        if request.headers.get("Authorization") != f"Bearer {self.secret_key}":
            return self._send(
                request,
                401,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": "Invalid API Key provided: sk_****",
                    }
                },
            )
        with self.lock:
            if method == "POST" and key and (path, key) in self.idempotent:
                status, payload = self.idempotent[(path, key)]
                return self._send(request, status, payload, replayed=True)
            status, payload = self._api(method, path, decode_form(body))
            if method == "POST" and key and status < 500:
                self.idempotent[(path, key)] = (status, payload)
        return self._send(request, status, payload)

    def _api(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if path == "/v1/balance" and method == "GET":
            return 200, {
                "object": "balance",
                "available": [{"amount": 0, "currency": "eur"}],
                "pending": [{"amount": 0, "currency": "eur"}],
                "livemode": False,
            }
        if path == "/v1/checkout/sessions" and method == "POST":
            return self._create_session(params)
        if parts[:3] == ["v1", "checkout", "sessions"] and len(parts) >= 4:
            session = self.sessions.get(parts[3])
            if session is None:
                return _missing("checkout.session", parts[3])
            if len(parts) == 4 and method == "GET":
                return 200, _public(session)
            if len(parts) == 5 and parts[4] == "expire" and method == "POST":
                if session["status"] != "open":
                    return 400, _error(
                        'Only Checkout Sessions with a status in ["open"] '
                        "can be expired."
                    )
                return 200, self.expire(parts[3])
        if path == "/v1/refunds" and method == "POST":
            return self._create_refund(params)
        if parts[:2] == ["v1", "refunds"] and len(parts) == 3 and method == "GET":
            refund = self.refunds.get(parts[2])
            if refund is None:
                return _missing("refund", parts[2])
            return 200, dict(refund)
        return 404, _error(f"Unrecognized request URL ({method}: {path}).")

    def _create_session(self, params: dict) -> tuple[int, dict]:
        if params.get("mode") != "payment":
            return 400, _error("Missing required param: mode.", param="mode")
        items = params.get("line_items") or []
        try:
            total = sum(
                int(item["price_data"]["unit_amount"]) * int(item["quantity"])
                for item in items
            )
        except (KeyError, TypeError, ValueError):
            return 400, _error("Invalid line_items.", param="line_items")
        now = int(time.time())
        expires_at = int(params.get("expires_at") or now + 24 * 3600)
        if not now + 30 * 60 - 5 <= expires_at <= now + 24 * 3600:
            return 400, _error(
                "The `expires_at` timestamp must be between 30 minutes and 24 "
                "hours from Checkout Session creation.",
                param="expires_at",
            )
        session_id = "cs_test_" + secrets.token_hex(16)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": (items[0]["price_data"]["currency"] if items else "eur"),
            "customer_email": params.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "locale": params.get("locale"),
            "metadata": params.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "url": f"{self.base_url}/pay/{session_id}",
            "_intent_metadata": (params.get("payment_intent_data") or {}).get(
                "metadata", {}
            ),
            "_line_items": items,
        }
        self.sessions[session_id] = session
        return 200, _public(session)

    def _create_refund(self, params: dict) -> tuple[int, dict]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _missing("payment_intent", params.get("payment_intent", ""))
        charge = self.charges[intent["latest_charge"]]
        amount = int(params.get("amount") or charge["amount"])
        if self.refund_mode == "error":
            return 400, _error(
                f"Charge {charge['id']} has been disputed: it cannot be refunded.",
                code="charge_disputed",
            )
        refunded = sum(
            r["amount"]
            for r in self.refunds.values()
            if r["charge"] == charge["id"] and r["status"] in ("pending", "succeeded")
        )
        if amount > charge["amount"] - refunded:
            return 400, _error(
                f"Refund amount ({amount}) is greater than unrefunded amount on "
                "charge.",
                code="amount_too_large",
                param="amount",
            )
        refund_id = "re_" + secrets.token_hex(12)
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": "eur",
            "metadata": params.get("metadata") or {},
            "payment_intent": intent["id"],
            "reason": params.get("reason"),
            "status": "pending",
            "failure_reason": None,
        }
        if self.refund_mode == "succeeded":
            self.settle_refund(refund_id, "succeeded")
        elif self.refund_mode == "failed":
            self.settle_refund(refund_id, "failed")
            self.refunds[refund_id]["status"] = "pending"  # known only by webhook
        return 200, dict(self.refunds[refund_id])

    def _page(self, request, method: str, session_id: str, body: str) -> None:
        session = self.sessions.get(session_id)
        if session is None:
            return self._html(request, 404, "<p>Session inconnue.</p>")
        if method == "POST":
            if session["status"] != "open":
                return self._html(request, 400, "<p>Cette session est expirée.</p>")
            url = self.pay(session_id)
            request.send_response(303)
            request.send_header("Location", url)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return None
        if session["status"] != "open":
            return self._html(request, 200, "<p>Cette session est expirée.</p>")
        lines = "".join(
            f"<li>{int(i['quantity'])} × {html.escape(i['price_data']['product_data']['name'])}</li>"  # noqa: E501
            for i in session["_line_items"]
        )
        amount = f"{session['amount_total'] / 100:.2f} €"
        page = (
            "<h1>Stripe (stand-in de test)</h1>"
            f"<ul>{lines}</ul><p data-testid='standin-amount'>{amount}</p>"
            f"<p>{html.escape(session.get('customer_email') or '')}</p>"
            "<form method='post'><button type='submit'>Payer</button></form>"
            f"<p><a href='{html.escape(session['cancel_url'] or '')}'>Annuler</a></p>"
        )
        return self._html(request, 200, page)

    @staticmethod
    def _html(request, status: int, content: str) -> None:
        data = f"<!doctype html><meta charset='utf-8'><title>Stripe</title>{content}"
        raw = data.encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(raw)))
        request.end_headers()
        request.wfile.write(raw)

    @staticmethod
    def _send(request, status: int, payload: dict, replayed: bool = False) -> None:
        raw = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(raw)))
        request.send_header("Request-Id", _id("req"))
        if replayed:
            request.send_header("Idempotent-Replayed", "true")
        request.end_headers()
        request.wfile.write(raw)


def _public(session: dict) -> dict:
    return {k: v for k, v in session.items() if not k.startswith("_")}


def _error(message: str, *, code: str | None = None, param: str | None = None):
    error = {"type": "invalid_request_error", "message": message}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return {"error": error}


def _missing(kind: str, identifier: str) -> tuple[int, dict]:
    return 404, _error(
        f"No such {kind}: '{identifier}'", code="resource_missing", param="id"
    )
