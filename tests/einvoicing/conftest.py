"""A local PA stand-in on 127.0.0.1 and an organization connected to it."""

from __future__ import annotations

import pytest

from comptoir.einvoicing.models import EInvoicingSettings, Mode
from comptoir.einvoicing.services.config import SettingsInput, update_settings
from comptoir.einvoicing.standin import StandInPlatform

TOKEN = "test-token-0123456789"
WEBHOOK_SECRET = "test-webhook-secret"


@pytest.fixture
def standin():
    platform = StandInPlatform(token=TOKEN).start()
    yield platform
    platform.stop()


@pytest.fixture
def einvoicing(organization, park, standin) -> EInvoicingSettings:
    """E-invoicing in test mode against the stand-in, reporting by decade."""
    return update_settings(
        organization=organization,
        data=SettingsInput(
            mode=Mode.TEST,
            base_url=standin.url,
            directory_url="",
            reporting_period="decade",
            api_key=TOKEN,
            webhook_secret=WEBHOOK_SECRET,
        ),
    )
