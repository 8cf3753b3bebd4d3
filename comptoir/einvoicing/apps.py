from django.apps import AppConfig


class EInvoicingConfig(AppConfig):
    name = "comptoir.einvoicing"
    label = "einvoicing"
    verbose_name = "Facturation électronique"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (checks and receivers)

        signals.connect()
