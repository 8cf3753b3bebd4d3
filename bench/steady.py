"""Paid checkouts arriving at a constant rate (open loop), for bench/load.py.

Locust's users loop: when the server slows down they wait, and so the rate
they offer drops with it (a closed loop; its latencies say how long a queue
of 40 members is, not how fast a checkout is at a given rate). Here a
scheduler starts a new paid checkout every 1/rate seconds whatever happened
to the previous ones; each is played by a free member (a thread with its
own logged-in session: one basket at a time per member), and its time is
counted from the instant it was *due*, so a server (or a generator) that
falls behind shows up in the figures instead of slowing the offer down.

The flow is the locust one: two cart additions, the checkout, then the
provider's signed notification (payment + invoice). `paid_checkout` spans
the checkout and the notification, as in the locust figures; `flow` spans
everything from the instant the checkout was due.
"""

from __future__ import annotations

import http.client
import math
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.psp import notification, session_of


@dataclass
class Flow:
    due: float
    started: float = 0.0
    checkout_started: float = 0.0
    ended: float = 0.0
    ok: bool = False
    error: str = ""
    requests: dict[str, float] = field(default_factory=dict)


class Member:
    """One logged-in member: its cookies and a kept-alive connection."""

    def __init__(self, base_url: str, session_key: str):
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.referer = f"{base_url}/try/"
        self.cookies = {"sessionid": session_key}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed a kept-alive connection: one new one.
                self.conn.close()
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.conn.close()
        return response, data

    def post_form(self, path: str, fields: dict):
        return self.request(
            "POST",
            path,
            body=urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
                "Referer": self.referer,
            },
        )


def _timed(flow: Flow, name: str, call):
    started = time.perf_counter()
    result = call()
    flow.requests[name] = flow.requests.get(name, 0.0) + time.perf_counter() - started
    return result


def play(member: Member, flow: Flow, products: list[int], secret: bytes) -> None:
    flow.started = time.perf_counter()
    for product in products:
        response, _ = _timed(
            flow,
            "cart_add",
            lambda p=product: member.post_form(
                "/try/panier/ajouter/", {"product": p, "quantity": 1}
            ),
        )
        if response.status >= 400:
            flow.error = f"cart answered {response.status}"
            return
    flow.checkout_started = time.perf_counter()
    response, _ = _timed(
        flow, "checkout", lambda: member.post_form("/try/commande/", {"action": "pay"})
    )
    location = response.headers.get("Location", "")
    if response.status != 302 or "paiement-simule" not in location:
        flow.error = f"checkout answered {response.status}"
        return
    session = session_of(location)
    body, headers = notification(
        secret=secret,
        sale=session["sale"],
        amount=session["amount"],
        transaction_id=f"bench_{uuid.uuid4().hex}",
    )
    response, _ = _timed(
        flow,
        "notification",
        lambda: member.request(
            "POST", "/try/paiement/notification/simulator/", body, headers
        ),
    )
    flow.ended = time.perf_counter()
    if response.status != 200:
        flow.error = f"notification answered {response.status}"
        return
    flow.ok = True


def run(
    *,
    base_url: str,
    session_keys: list[str],
    products: list[int],
    secret: bytes,
    rate: float,
    seconds: float,
    grace: float = 15.0,
) -> tuple[list[Flow], float, float]:
    """Offer `rate` paid checkouts a second for `seconds`; the flows, the
    wall time from the first due instant to the last end, and this
    generator's CPU time."""
    members = [Member(base_url, key) for key in session_keys]
    for member in members:  # the CSRF cookie, as a browser gets it
        member.request("GET", "/try/")
    arrivals: queue.Queue[Flow | None] = queue.Queue()
    flows: list[Flow] = []

    # A server that cannot keep up would otherwise make the run last until
    # the backlog drains: what is still waiting `grace` seconds after the
    # last due instant is never started (counted as an error).
    start = time.perf_counter() + 0.1
    count = int(rate * seconds)
    deadline = start + count / rate + grace

    def serve(member: Member) -> None:
        while (flow := arrivals.get()) is not None:
            if time.perf_counter() > deadline:
                flow.error = "never started: the server was too far behind"
                continue
            try:
                play(member, flow, products, secret)
            except Exception as exc:  # noqa: BLE001 - counted as an error
                flow.error = repr(exc)
                flow.ended = time.perf_counter()
                member.conn.close()

    threads = [threading.Thread(target=serve, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    cpu = time.process_time()
    for i in range(count):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        flow = Flow(due=due)
        flows.append(flow)
        arrivals.put(flow)
    for _ in threads:
        arrivals.put(None)
    for thread in threads:
        thread.join()
    for member in members:
        member.conn.close()
    wall = max(f.ended or f.due for f in flows) - start
    return flows, wall, time.process_time() - cpu


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)  # nearest rank
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(values_s: list[float]) -> str:
    ms = [v * 1000 for v in values_s]
    return (
        f"p50 {percentile(ms, 0.50):5.0f} ms  p95 {percentile(ms, 0.95):5.0f} ms  "
        f"p99 {percentile(ms, 0.99):5.0f} ms"
    )
