from django.apps import AppConfig


class EInvoicingConfig(AppConfig):
    name = "comptoir.einvoicing"
    label = "einvoicing"
    verbose_name = "Facturation électronique"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (checks and receivers)

        signals.connect()
        _start_local_standin()


def _start_local_standin() -> None:
    """Under `runserver` (its serving process only) in development, start the
    local PA stand-in beside the site so statuses move while it runs."""
    import os

    from django.conf import settings

    if settings.EINVOICING_LOCAL_STANDIN and os.environ.get("RUN_MAIN") == "true":
        from .standin import local_standin

        local_standin()
