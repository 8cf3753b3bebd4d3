"""Fixtures shared by every test: a small cast (park, group, member, staff)."""

import os
import shutil
import signal
from collections.abc import Iterator

import pytest
from django.utils import translation

from tests import factories

# pytest-playwright runs an event loop; the live_server's ORM calls are sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _language_of_the_settings() -> Iterator[None]:
    """A request in English leaves English active in its thread (the locale
    middleware activates each request's language, and nothing turns it off
    after the response): the next test starts in the settings' language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _signal_handlers_restored() -> Iterator[None]:
    """`db_worker` sets its own SIGINT/SIGTERM/SIGQUIT handlers and leaves
    them: the processes a later test forks (multiprocessing pools) would
    then not die on Pool.terminate(), and the run could hang."""
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    saved = {number: signal.getsignal(number) for number in signals}
    yield
    for number, handler in saved.items():
        if handler is not None:  # None: set outside Python, left alone
            signal.signal(number, handler)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def organization(db):
    return factories.organization()


@pytest.fixture
def park(organization):
    return factories.park(organization)


@pytest.fixture
def group(organization):
    """A customer group with a private shop and online invoices on."""
    return factories.group(organization, online_invoices=True)


@pytest.fixture
def member(park, group):
    """A client with a complete record and an online account, in `group`."""
    return factories.client(park, groups=[group], with_account=True)


@pytest.fixture
def manager(organization):
    return factories.staff(organization, role="manager")


@pytest.fixture
def cashier(organization):
    return factories.staff(organization, role="cashier")


@pytest.fixture
def products(park):
    """A ticket at 20 %, a snack at 10 % and a multi-purpose gift voucher."""
    return factories.products(park)
