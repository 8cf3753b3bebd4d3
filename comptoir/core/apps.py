from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "comptoir.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        # Registers the deployment checks.
        from . import checks, deploy_checks  # noqa: F401
        from .statements import install

        connection_created.connect(install, dispatch_uid="comptoir.core.statements")
