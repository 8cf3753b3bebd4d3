from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "comptoir.invoicing"
    label = "invoicing"

    def ready(self) -> None:
        # Imported once the app registry is ready (receivers use models): the
        # Django idiom. Registers invoicing on the hooks of sales and
        # organizations, which may not import it (docs/architecture.md).
        from . import receivers

        receivers.connect()
