"""The payment provider's side of the simulated card payment (load, faults)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json


def session_of(location: str) -> dict:
    """Read the payment session from the payment page's address.

    The token is signed by Comptoir, not encrypted: its first part is the
    base64 JSON the provider needs (sale id and amount).
    """
    token = location.rstrip("/").split("/")[-1]
    payload = token.split(":")[0]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def notification(
    *, secret: bytes, sale: str, amount: str, transaction_id: str, status="paid"
) -> tuple[bytes, dict[str, str]]:
    """The body and headers the provider posts, signed with HMAC-SHA256."""
    body = json.dumps(
        {
            "transaction_id": transaction_id,
            "sale": sale,
            "amount": amount,
            "currency": "EUR",
            "status": status,
        },
        sort_keys=True,
    ).encode()
    signature = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return body, {
        "Content-Type": "application/json",
        "X-Simulator-Signature": signature,
    }
