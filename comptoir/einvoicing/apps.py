import os

from django.apps import AppConfig
from django.conf import settings


class EInvoicingConfig(AppConfig):
    name = "comptoir.einvoicing"
    label = "einvoicing"
    verbose_name = "Facturation électronique"

    def ready(self) -> None:
        # Imported once the app registry is ready (they use models): the
        # Django idiom for checks, receivers and what starts with the site.
        from . import checks, signals  # noqa: F401  (checks and receivers)
        from .standin import local_standin

        signals.connect()
        # Under `runserver` (its serving process only) in development, start
        # the local PA stand-in beside the site so statuses move while it runs.
        if settings.EINVOICING_LOCAL_STANDIN and os.environ.get("RUN_MAIN") == "true":
            local_standin()
