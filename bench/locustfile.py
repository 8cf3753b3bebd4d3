"""Members paying online: checkout request, then the provider's signed notification.

Driven by bench/load.py (locust headless). Each simulated member logs in
once, then loops: put a ticket and a snack in the cart, check out (which
creates the pending sale and redirects to the payment page), and — playing
the payment provider — post the HMAC-signed notification that records the
payment and issues the invoice. One "paid_checkout" sample covers the
checkout request and the notification.
"""

from __future__ import annotations

import os
import sys
import time
import uuid

from locust import FastHttpUser, events, task

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.psp import notification, session_of  # noqa: E402

SECRET = os.environ["PAYMENT_SIMULATOR_SECRET"].encode()
PRODUCTS = [int(p) for p in os.environ["BENCH_PRODUCTS"].split(",")]
_sessions = iter(open(os.environ["BENCH_SESSIONS"]).read().split())


def _cookie(name: str, value: str):
    from http.cookiejar import Cookie

    return Cookie(
        0,
        name,
        value,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


class Member(FastHttpUser):
    def on_start(self):
        # Logged in ahead (bench/fixtures.make_sessions): the load is checkouts.
        self.client.cookiejar.set_cookie(_cookie("sessionid", next(_sessions)))
        self.client.get("/try/", name="shop")  # sets the CSRF cookie

    def _csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    @task
    def paid_checkout(self):
        csrf = self._csrf()
        headers = {"X-CSRFToken": csrf, "Referer": self.host + "/try/"}
        for product in PRODUCTS:
            self.client.post(
                "/try/panier/ajouter/",
                data={"product": product, "quantity": 1},
                headers=headers,
                name="cart_add",
                allow_redirects=False,
            )
        started = time.perf_counter()
        with self.client.post(
            "/try/commande/",
            data={"action": "pay"},
            headers=headers,
            name="checkout",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "paiement-simule" not in location:
                response.failure(f"checkout answered {response.status_code} {location}")
                return
        session = session_of(location)
        body, headers = notification(
            secret=SECRET,
            sale=session["sale"],
            amount=session["amount"],
            transaction_id=f"bench_{uuid.uuid4().hex}",
        )
        with self.client.post(
            "/try/paiement/notification/simulator/",
            data=body,
            headers=headers,
            name="notification",
            catch_response=True,
        ) as response:
            ok = response.status_code == 200
            if not ok:
                response.failure(f"notification answered {response.status_code}")
        events.request.fire(
            request_type="FLOW",
            name="paid_checkout",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=None if ok else RuntimeError("notification failed"),
            context={},
        )
