from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "comptoir.payments"
    label = "payments"
    verbose_name = "Paiements"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)
