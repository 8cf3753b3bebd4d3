"""The client's address, as the trusted TLS proxy in front of Comptoir saw it.

Behind a proxy every request comes from the proxy's address: throttling on
REMOTE_ADDR would let one attacker lock every account for everybody. The
header the proxy sets is configured (`COMPTOIR_TRUSTED_PROXY_HEADER`), never
guessed: a client can send any header, so only the entries the trusted
proxies appended are believed (`COMPTOIR_TRUSTED_PROXY_COUNT`, counted from
the right of a comma-separated list such as X-Forwarded-For).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _meta_key(header: str) -> str:
    header = header.strip()
    if header.upper() == "REMOTE_ADDR":
        return "REMOTE_ADDR"
    return "HTTP_" + header.upper().replace("-", "_")


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address throttling counts against (django-axes' client IP callable)."""
    remote = request.META.get("REMOTE_ADDR")
    header = getattr(settings, "COMPTOIR_TRUSTED_PROXY_HEADER", "")
    if not header:
        return remote
    value = request.META.get(_meta_key(header), "")
    entries = [e for e in value.split(",") if e.strip()]
    count = max(int(getattr(settings, "COMPTOIR_TRUSTED_PROXY_COUNT", 1)), 1)
    if len(entries) < count:
        # Not set by our proxy (a request that bypassed it): the peer itself.
        return remote
    return _valid(entries[-count]) or remote
