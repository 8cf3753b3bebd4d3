from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "comptoir.core"
    label = "core"

    def ready(self) -> None:
        # Registers the deployment checks.
        from . import checks, deploy_checks  # noqa: F401
